/*
 * Stacks: the execution samples of a JFR recording (jdk.ExecutionSample, what `jfr print --events
 * jdk.ExecutionSample` lists) folded into collapsed stacks: one "root;caller;...;leaf" key per distinct stack,
 * with the number of samples that had it. Frames are "Class.method" (no line numbers: a flame graph is read per
 * method). A sample whose stack JFR truncated keeps the frames it has.
 */
package dev.quail.loadtest.profile;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
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

    static Stacks read(Path jfr) throws IOException {
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
        if (frames.isEmpty()) {
            return;
        }
        collapsed.merge(String.join(";", frames), 1L, Long::sum);
        samples++;
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
