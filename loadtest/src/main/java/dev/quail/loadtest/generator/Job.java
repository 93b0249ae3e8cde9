/*
 * Job: one message to send: its number, envelope recipients, the message (CRLF lines, no terminating
 * dot) and when it was meant to start (System.nanoTime scale). Latency runs from that intended start,
 * not from when a session got round to it, so an open-loop run does not hide a slow server
 * (coordinated omission).
 */
package dev.quail.loadtest.generator;

import java.util.List;

record Job(long index, List<String> recipients, byte[] message, long intendedNanos) {

    Job {
        recipients = List.copyOf(recipients);
    }
}
