package io.procvlm.annotators.vlm.http;

import java.net.URI;
import java.util.List;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/** Keeps secrets out of messages: endpoints lose user info and query, texts lose the key and bearer tokens. */
final class Redaction {
    static final int EXCERPT_LENGTH = 300;

    private static final Pattern BEARER = Pattern.compile("(?i)(bearer)\\s+[A-Za-z0-9._~+/=-]+");
    private static final Pattern OPENAI_KEY = Pattern.compile("sk-[A-Za-z0-9_-]{8,}");
    private static final Pattern WHITESPACE = Pattern.compile("\\s+");

    private Redaction() {}

    /** {@code scheme://host[:port]/path}, without user info, query or fragment. */
    static String endpoint(URI uri) {
        StringBuilder text = new StringBuilder();
        text.append(uri.getScheme()).append("://").append(uri.getHost());
        if (uri.getPort() >= 0) {
            text.append(':').append(uri.getPort());
        }
        if (uri.getRawPath() != null) {
            text.append(uri.getRawPath());
        }
        return text.toString();
    }

    static String endpoints(List<URI> uris) {
        return uris.stream().map(Redaction::endpoint).collect(Collectors.joining(", ", "[", "]"));
    }

    /** The text with the key, any bearer token and anything shaped like an OpenAI key replaced by {@code ***}. */
    static String text(String text, String apiKey) {
        if (text == null) {
            return "";
        }
        String redacted = text;
        if (apiKey != null && !apiKey.isEmpty()) {
            redacted = redacted.replace(apiKey, "***");
        }
        redacted = BEARER.matcher(redacted).replaceAll("$1 ***");
        return OPENAI_KEY.matcher(redacted).replaceAll("***");
    }

    /** A one-line, redacted excerpt of a response body, at most {@value #EXCERPT_LENGTH} characters. */
    static String excerpt(String body, String apiKey) {
        // redact before cutting, so a key cut in half at the end cannot survive
        String line = WHITESPACE.matcher(text(body, apiKey)).replaceAll(" ").strip();
        if (line.length() <= EXCERPT_LENGTH) {
            return line;
        }
        return line.substring(0, EXCERPT_LENGTH - 3) + "...";
    }
}
