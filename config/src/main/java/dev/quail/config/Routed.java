/*
 * The result of envelope recipient rewriting (RW-01..05): the address to deliver to, and whether it goes
 * to local delivery (locals or a virtual domain) or to remote delivery.
 */
package dev.quail.config;

public record Routed(String address, boolean local) {}
