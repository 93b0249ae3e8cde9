/*
 * SinkStat: asks a running sink for its counts over its SMTP port: read the 220 greeting, send "STAT"
 * as the first command, read "211 messages=.. recipients=.. bytes=.. connections=..". A plain blocking
 * socket: this is a control query a few times a second, not load.
 */
package dev.quail.loadtest.sink;

import dev.quail.loadtest.HostPort;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;

public final class SinkStat {

    private static final int TIMEOUT_MILLIS = 5_000;

    private SinkStat() {}

    public static SinkCounters.Counts query(HostPort sink) throws IOException {
        try (Socket socket = new Socket()) {
            socket.connect(sink.address(), TIMEOUT_MILLIS);
            socket.setSoTimeout(TIMEOUT_MILLIS);
            BufferedReader in = new BufferedReader(
                    new InputStreamReader(socket.getInputStream(), StandardCharsets.ISO_8859_1));
            OutputStream out = socket.getOutputStream();
            String greeting = in.readLine();
            if (greeting == null || !greeting.startsWith("220")) {
                throw new IOException("no SMTP greeting from " + sink + ": " + greeting);
            }
            out.write("STAT\r\n".getBytes(StandardCharsets.ISO_8859_1));
            out.flush();
            String answer = in.readLine();
            if (answer == null || !answer.startsWith("211 ")) {
                throw new IOException(sink + " is not a quail sink (STAT answered " + answer + ")");
            }
            return SinkCounters.Counts.parse(answer.substring(4));
        }
    }
}
