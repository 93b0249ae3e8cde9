/*
 * StoreDir: a JUnit extension that gives each test a fresh directory for JournalStores, and after the test closes
 * every store opened through it and deletes the directory.
 */
package dev.quail.persistence.journal;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

final class StoreDir implements BeforeEachCallback, AfterEachCallback {
    private final List<JournalStore> opened = new ArrayList<>();
    private Path dir;

    @Override
    public void beforeEach(ExtensionContext context) throws IOException {
        dir = Files.createTempDirectory("journal");
    }

    @Override
    public void afterEach(ExtensionContext context) throws IOException {
        for (JournalStore store : opened) {
            store.close();
        }
        try (Stream<Path> files = Files.walk(dir)) {
            for (Path file : files.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(file);
            }
        }
    }

    Path dir() {
        return dir;
    }

    /** Opens the store in the directory, with fsync; it is closed after the test. */
    JournalStore open() throws IOException {
        return open(JournalWriter.Limits.DEFAULT);
    }

    JournalStore open(JournalWriter.Limits limits) throws IOException {
        JournalStore store = JournalStore.open(dir, true, limits);
        opened.add(store);
        return store;
    }
}
