/*
 * Quail's load tools (see loadtest/README.md): generator (quail loadtest), sink (quail sink), bench (quail
 * bench, loadtest/bench.sh). Main is the entry point the launcher runs for all three.
 */
package dev.quail.loadtest;
