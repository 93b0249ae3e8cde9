/* A throw-away Quail home for tests: writes control files and users/assign as plain text. */
package dev.quail.config;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

final class TestHome {
    final Path root;

    TestHome(Path root) {
        this.root = root;
    }

    /** Writes control/<name>; each argument is one line. */
    TestHome control(String name, String... lines) {
        return raw(QuailHome.of(root).control(name), String.join("\n", lines) + (lines.length > 0 ? "\n" : ""));
    }

    TestHome raw(Path file, String text) {
        try {
            Files.createDirectories(file.getParent());
            Files.writeString(file, text);
            return this;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    Control load() {
        try {
            return Control.load(root);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
