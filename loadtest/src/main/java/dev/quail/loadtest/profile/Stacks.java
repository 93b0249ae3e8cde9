/*
 * Stacks: CPU samples folded into collapsed stacks: one "root;caller;...;leaf" key per distinct stack, with the
 * number of samples that had it. Read from either of two profiles:
 * - a JFR recording's execution samples (jdk.ExecutionSample, what `jfr print --events jdk.ExecutionSample`
 *   lists), frames "Class.method" (no line numbers: a flame graph is read per method); a sample whose stack JFR
 *   truncated keeps the frames it has. JFR samples only threads running Java code: time in a system call, the
 *   garbage collector or the JIT compiler is in no sample, so its shares are of the Java time alone.
 * - async-profiler's `collapsed` output ("frame;frame;... COUNT" per line, as loadtest/profile.sh writes it):
 *   its CPU timer samples every thread whatever it runs, so a system call's kernel time, GC and JIT are there.
 */
package dev.quail.loadtest.profile;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import jdk.jfr.consumer.RecordedEvent;
import jdk.jfr.consumer.RecordedFrame;
import jdk.jfr.consumer.RecordedStackTrace;
import jdk.jfr.consumer.RecordingFile;

final class Stacks {

    /** One method's samples as the leaf (self) of a stack. */
    record Frame(String name, long self) {}

    private final Map<String, Long> collapsed = new HashMap<>();
    private long samples;

    /** A JFR recording (told by its magic number) or a file of collapsed stacks. */
    static Stacks read(Path profile) throws IOException {
        byte[] magic = new byte[4];
        try (InputStream in = Files.newInputStream(profile)) {
            if (in.readNBytes(magic, 0, 4) == 4 && Arrays.equals(magic, JFR_MAGIC)) return readJfr(profile);
        }
        return readCollapsed(profile);
    }

    private static final byte[] JFR_MAGIC = {'F', 'L', 'R', 0};

    private static Stacks readCollapsed(Path file) throws IOException {
        Stacks stacks = new Stacks();
        for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
            if (line.isBlank()) continue;
            int space = line.lastIndexOf(' ');
            if (space <= 0 || !line.substring(space + 1).matches("[0-9]{1,18}")) {
                throw new IOException(file + ": neither a JFR recording nor collapsed stacks (\"frame;frame COUNT\"): "
                        + line);
            }
            stacks.add(List.of(line.substring(0, space).split(";")), Long.parseLong(line.substring(space + 1)));
        }
        return stacks;
    }

    private static Stacks readJfr(Path jfr) throws IOException {
        Stacks stacks = new Stacks();
        try (RecordingFile file = new RecordingFile(jfr)) {
            while (file.hasMoreEvents()) {
                RecordedEvent event = file.readEvent();
                if (event.getEventType().getName().equals("jdk.ExecutionSample") && event.getStackTrace() != null) {
                    stacks.add(frames(event.getStackTrace()));
                }
            }
        }
        return stacks;
    }

    /** Root first. */
    void add(List<String> frames) {
        add(frames, 1);
    }

    private void add(List<String> frames, long count) {
        if (frames.isEmpty()) {
            return;
        }
        collapsed.merge(String.join(";", frames), count, Long::sum);
        samples += count;
    }

    long samples() {
        return samples;
    }

    /** "root;...;leaf" to its sample count. */
    Map<String, Long> collapsed() {
        return Collections.unmodifiableMap(collapsed);
    }

    /** The methods with the most samples as the leaf, most first. */
    List<Frame> topSelf(int n) {
        Map<String, Long> self = new LinkedHashMap<>();
        collapsed.forEach((stack, count) -> self.merge(stack.substring(stack.lastIndexOf(';') + 1), count, Long::sum));
        List<Frame> frames = new ArrayList<>();
        self.forEach((name, count) -> frames.add(new Frame(name, count)));
        frames.sort((a, b) -> Long.compare(b.self(), a.self()));
        return frames.subList(0, Math.min(n, frames.size()));
    }

    private static List<String> frames(RecordedStackTrace trace) {
        List<RecordedFrame> leafFirst = trace.getFrames();
        List<String> rootFirst = new ArrayList<>(leafFirst.size());
        for (int i = leafFirst.size() - 1; i >= 0; i--) {
            RecordedFrame f = leafFirst.get(i);
            rootFirst.add(f.getMethod().getType().getName() + "." + f.getMethod().getName());
        }
        return rootFirst;
    }
}
