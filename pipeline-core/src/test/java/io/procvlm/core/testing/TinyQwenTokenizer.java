package io.procvlm.core.testing;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Writes a small tokenizer.json in the Hugging Face tokenizers format, built like Qwen2's: NFC normaliser, Qwen2's
 * pre-tokeniser regex (letters, single digits, punctuation, newlines, spaces) then byte-level, a byte-level BPE over
 * the 256 byte symbols with a handful of merges, and Qwen2-VL's special tokens. Small enough that token counts can be
 * worked out by hand: every byte is a token unless a merge below joins it.
 */
public final class TinyQwenTokenizer {
    /** The merges, by rank: {@code Ġ} is the byte-level symbol of a space. */
    public static final List<String> MERGES = List.of("Ġ t", "h e", "Ġt he", "i n", "in g");

    public static final List<String> SPECIAL = List.of(
            "<|endoftext|>",
            "<|im_start|>",
            "<|im_end|>",
            "<|vision_start|>",
            "<|vision_end|>",
            "<|image_pad|>",
            "<|video_pad|>");

    /** Qwen2's pre-tokeniser pattern. */
    public static final String QWEN2_PATTERN = "(?i:'s|'t|'re|'ve|'m|'ll|'d)|[^\\r\\n\\p{L}\\p{N}]?\\p{L}+|\\p{N}|"
            + " ?[^\\s\\p{L}\\p{N}]+[\\r\\n]*|\\s*[\\r\\n]+|\\s+(?!\\S)|\\s+";

    private TinyQwenTokenizer() {}

    /** GPT-2's byte-to-symbol table, which byte-level BPE uses. */
    public static String[] byteSymbols() {
        String[] symbols = new String[256];
        int next = 256;
        for (int b = 0; b < 256; b++) {
            boolean printable = (b >= 33 && b <= 126) || (b >= 161 && b <= 172) || (b >= 174 && b <= 255);
            symbols[b] = new String(Character.toChars(printable ? b : next++));
        }
        return symbols;
    }

    public static Path write(Path file) throws IOException {
        ObjectMapper json = new ObjectMapper();
        ObjectNode root = json.createObjectNode();
        root.put("version", "1.0");
        root.putNull("truncation");
        root.putNull("padding");
        Map<String, Integer> vocab = new LinkedHashMap<>();
        for (String symbol : byteSymbols()) {
            vocab.put(symbol, vocab.size());
        }
        for (String merge : MERGES) {
            vocab.put(merge.replace(" ", ""), vocab.size());
        }
        ArrayNode added = root.putArray("added_tokens");
        for (String special : SPECIAL) {
            ObjectNode token = added.addObject();
            token.put("id", vocab.size() + added.size() - 1);
            token.put("content", special);
            token.put("single_word", false);
            token.put("lstrip", false);
            token.put("rstrip", false);
            token.put("normalized", false);
            token.put("special", true);
        }
        root.putObject("normalizer").put("type", "NFC");
        ObjectNode pre = root.putObject("pre_tokenizer");
        pre.put("type", "Sequence");
        ArrayNode steps = pre.putArray("pretokenizers");
        ObjectNode split = steps.addObject();
        split.put("type", "Split");
        split.putObject("pattern").put("Regex", QWEN2_PATTERN);
        split.put("behavior", "Isolated");
        split.put("invert", false);
        byteLevel(steps.addObject());
        byteLevel(root.putObject("post_processor"));
        byteLevel(root.putObject("decoder"));
        ObjectNode model = root.putObject("model");
        model.put("type", "BPE");
        model.putNull("dropout");
        model.putNull("unk_token");
        model.put("continuing_subword_prefix", "");
        model.put("end_of_word_suffix", "");
        model.put("fuse_unk", false);
        model.put("byte_fallback", false);
        model.put("ignore_merges", false);
        ObjectNode vocabNode = model.putObject("vocab");
        vocab.forEach(vocabNode::put);
        ArrayNode merges = model.putArray("merges");
        MERGES.forEach(merges::add);
        Files.createDirectories(file.toAbsolutePath().getParent());
        json.writerWithDefaultPrettyPrinter().writeValue(file.toFile(), root);
        return file;
    }

    private static void byteLevel(ObjectNode node) {
        node.put("type", "ByteLevel");
        node.put("add_prefix_space", false);
        node.put("trim_offsets", false);
        node.put("use_regex", false);
    }
}
