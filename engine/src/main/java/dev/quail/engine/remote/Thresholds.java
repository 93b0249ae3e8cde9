package dev.quail.engine.remote;

import dev.quail.config.Responses;
import java.util.ArrayDeque;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * control/responses' after=N/PERIOD: the times each rule matched, per site or domain, within its period. A rule
 * acts on its Nth match within the period, and counting starts afresh after it acted. At most {@link #MAX_KEYS}
 * (rule, scope) pairs are remembered, the least recently matched going first, so a stream of distinct domains
 * cannot grow the table. Plain and single-threaded; times are passed in.
 */
final class Thresholds {
    static final int MAX_KEYS = 10_000;

    private final Map<String, ArrayDeque<Long>> matches = new LinkedHashMap<>(16, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, ArrayDeque<Long>> eldest) {
            return size() > MAX_KEYS;
        }
    };

    /** One match of {@code rule} for {@code scope} (a site key or a domain). Returns whether the rule acts now. */
    boolean matched(Responses.Rule rule, String scope, long nowMillis) {
        if (rule.count() <= 1) return true;
        ArrayDeque<Long> times = matches.computeIfAbsent(rule.text() + "\n" + scope, k -> new ArrayDeque<>());
        while (!times.isEmpty() && times.peekFirst() <= nowMillis - rule.period().toMillis()) times.pollFirst();
        times.addLast(nowMillis);
        if (times.size() < rule.count()) return false;
        times.clear();
        return true;
    }
}
