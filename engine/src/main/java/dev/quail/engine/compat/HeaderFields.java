package dev.quail.engine.compat;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * A message's header as the .qmail helpers read it (qreceipt, autorespond): each field unfolded onto one line,
 * reading stopped at the empty line, so a body of any size is never read.
 */
final class HeaderFields {
    private HeaderFields() {}

    static List<String> read(InputStream message) throws IOException {
        BufferedReader in = new BufferedReader(new InputStreamReader(message, StandardCharsets.UTF_8));
        List<String> fields = new ArrayList<>();
        for (String line = in.readLine(); line != null && !line.isEmpty(); line = in.readLine()) {
            boolean continuation = line.charAt(0) == ' ' || line.charAt(0) == '\t';
            if (continuation && !fields.isEmpty()) fields.set(fields.size() - 1, fields.get(fields.size() - 1) + line);
            else fields.add(line);
        }
        return fields;
    }

    /** The value of the first field named {@code name} (any case), stripped. */
    static Optional<String> value(List<String> fields, String name) {
        for (String field : fields) {
            int colon = field.indexOf(':');
            if (colon > 0 && field.substring(0, colon).strip().equalsIgnoreCase(name)) {
                return Optional.of(field.substring(colon + 1).strip());
            }
        }
        return Optional.empty();
    }
}
