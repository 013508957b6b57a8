package io.procvlm.annotators.vlm;

import com.fasterxml.jackson.databind.JsonNode;
import io.procvlm.annotators.vlm.testing.FakeChatServer;
import io.procvlm.annotators.vlm.testing.RecordedReplies;
import io.procvlm.core.testing.TestData;
import java.util.Map;
import java.util.function.Function;

/**
 * The recorded replies of {@code src-test-data/vlm/replies} and a router that answers each request like a well-behaved
 * VLM would: the plan to plan requests, the localisation to localisation requests (repairs included).
 */
public final class VlmReplies {
    public static final Map<String, String> RECORDED = RecordedReplies.load(TestData.srcTestData("vlm/replies"));

    private VlmReplies() {}

    public static FakeChatServer.Reply reply(String name) {
        String body = RECORDED.get(name);
        if (body == null) {
            throw new IllegalArgumentException("No recorded reply " + name + " in " + RECORDED.keySet());
        }
        return FakeChatServer.Reply.ok(body);
    }

    /** Whether {@code request} asks for a plan (first pass), from its first message's text. */
    public static boolean isPlan(FakeChatServer.RecordedRequest request) {
        JsonNode first = request.json().path("messages").path(0).path("content");
        for (JsonNode part : first) {
            if (part.path("text").asText().contains("Write the ordered list")) {
                return true;
            }
        }
        return false;
    }

    /** Answers plans with {@code plan} and localisations with {@code localise} (recorded reply names). */
    public static Function<FakeChatServer.RecordedRequest, FakeChatServer.Reply> router(String plan, String localise) {
        return request -> reply(isPlan(request) ? plan : localise);
    }

    /** Valid answers to everything. */
    public static Function<FakeChatServer.RecordedRequest, FakeChatServer.Reply> valid() {
        return router("plan-ok", "localise-ok");
    }

    /** Images in a request. */
    public static int images(FakeChatServer.RecordedRequest request) {
        int images = 0;
        for (JsonNode message : request.json().path("messages")) {
            for (JsonNode part : message.path("content")) {
                images += "image_url".equals(part.path("type").asText()) ? 1 : 0;
            }
        }
        return images;
    }
}
