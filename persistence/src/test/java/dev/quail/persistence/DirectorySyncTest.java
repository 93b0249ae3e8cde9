package dev.quail.persistence;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DirectorySyncTest {
    @TempDir
    Path dir;

    @Test
    void oneCallerGetsItsOwnFsync() throws Exception {
        DirectorySync.sync(dir);
        DirectorySync.sync(dir);
        assertEquals(2, DirectorySync.of(dir).fsyncs());
    }

    @Test
    void concurrentCallersShareFsyncsAndAllReturn() throws Exception {
        int callers = 64;
        ExecutorService pool = Executors.newFixedThreadPool(16);
        CountDownLatch go = new CountDownLatch(1);
        List<Future<?>> done = new ArrayList<>();
        for (int i = 0; i < callers; i++) {
            done.add(pool.submit(() -> {
                go.await();
                DirectorySync.sync(dir);
                return null;
            }));
        }
        go.countDown();
        for (Future<?> f : done) f.get();
        pool.shutdown();
        long fsyncs = DirectorySync.of(dir).fsyncs();
        assertTrue(fsyncs >= 1 && fsyncs < callers, fsyncs + " fsyncs for " + callers + " callers");
    }
}
