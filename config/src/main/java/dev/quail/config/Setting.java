/*
 * One row of the settings table (qmail-control(5) for Quail): the control file's name, its default, the
 * Quail roles that read it (DESIGN.md actor names), and what it means.
 */
package dev.quail.config;

public record Setting(String name, String defaultValue, String readBy, String meaning) {}
