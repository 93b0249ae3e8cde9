package dev.quail.engine.cli;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.Optional;

/** A password given on stdin (quail user passwd, quail admin add): its first line; none when empty. */
final class PasswordInput {
    private PasswordInput() {}

    static Optional<char[]> read(String command) throws IOException {
        String line = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8)).readLine();
        if (line == null || line.isEmpty()) {
            System.err.println(command + ": no password on stdin");
            return Optional.empty();
        }
        return Optional.of(line.toCharArray());
    }
}
