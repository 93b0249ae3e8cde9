package dev.quail.engine.http;

import java.util.Optional;

/** An authenticated request's admin, and the session when it came with the cookie rather than a bearer token. */
record Caller(String admin, Optional<Sessions.Session> session) {}
