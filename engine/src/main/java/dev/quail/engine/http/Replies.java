package dev.quail.engine.http;

import com.fasterxml.jackson.core.io.JsonStringEncoder;
import org.apache.pekko.http.javadsl.model.ContentTypes;
import org.apache.pekko.http.javadsl.model.HttpResponse;
import org.apache.pekko.http.javadsl.model.StatusCode;
import org.apache.pekko.http.javadsl.model.StatusCodes;

/** The admin listener's answers: JSON bodies, and errors as {@code {"error": "..."}}. */
final class Replies {
    private Replies() {}

    static HttpResponse json(StatusCode status, String body) {
        return HttpResponse.create().withStatus(status).withEntity(ContentTypes.APPLICATION_JSON, body);
    }

    static HttpResponse ok(String body) {
        return json(StatusCodes.OK, body);
    }

    static HttpResponse error(StatusCode status, String message) {
        return json(status, "{\"error\":\"" + quote(message) + "\"}\n");
    }

    static String quote(String text) {
        return new String(JsonStringEncoder.getInstance().quoteAsString(text));
    }
}
