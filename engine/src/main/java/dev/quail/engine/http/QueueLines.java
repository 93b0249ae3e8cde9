package dev.quail.engine.http;

import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The Admin request line for each queue read or action the API and the web pages offer, from their parameters:
 * one place that knows the filters, the page and the actions, so a page and the API cannot ask differently. A
 * parameter the line cannot carry is refused with {@link IllegalArgumentException} (the API's 400).
 */
final class QueueLines {
    /** A page of the messages list unless the request says otherwise. */
    static final int DEFAULT_LIMIT = 100;
    static final List<String> FILTERS = List.of("sender", "recipient", "destination", "state", "age");
    static final List<String> ACTIONS = List.of("hold", "release", "delete", "flush");
    private static final List<String> PAGE = List.of("offset", "limit");

    private QueueLines() {}

    /** qread --json with the filters and the page. */
    static String list(Map<String, String> parameters) {
        for (String key : parameters.keySet()) {
            if (!FILTERS.contains(key) && !PAGE.contains(key)) throw unknown(key);
        }
        String limit = parameters.containsKey("limit") ? "" : " limit=" + DEFAULT_LIMIT;
        return "qread --json" + words(parameters, FILTERS) + words(parameters, PAGE) + limit;
    }

    /** The message's whole life. */
    static String one(String id) {
        return "message " + id(id) + " --json";
    }

    /** An action on one message. */
    static String edit(String action, String id) {
        action(action);
        return action.equals("flush") ? "flush id=" + id(id) : "queue " + action + " " + id(id);
    }

    /** An action on every message the filters match; a flush without one retries the whole queue. */
    static String onQueue(String action, Map<String, String> parameters) {
        action(action);
        for (String key : parameters.keySet()) if (!FILTERS.contains(key)) throw unknown(key);
        String filters = words(parameters, FILTERS);
        if (filters.isEmpty() && !action.equals("flush")) {
            throw new IllegalArgumentException("name the messages with a filter");
        }
        return (action.equals("flush") ? "flush" : "queue " + action) + filters;
    }

    private static String words(Map<String, String> parameters, List<String> keys) {
        Optional<String> words = AdminRequests.words(parameters, keys);
        if (words.isEmpty()) throw new IllegalArgumentException("a filter value holds a space or a control character");
        return words.get();
    }

    private static String id(String id) {
        if (id.isEmpty() || !AdminRequests.plain(id)) throw new IllegalArgumentException("bad message id");
        return id;
    }

    private static void action(String action) {
        if (!ACTIONS.contains(action)) {
            throw new IllegalArgumentException("the actions are " + String.join(", ", ACTIONS));
        }
    }

    private static IllegalArgumentException unknown(String parameter) {
        return new IllegalArgumentException("unknown parameter " + parameter + "; the filters are "
                + String.join(", ", FILTERS) + ", the page offset and limit");
    }
}
