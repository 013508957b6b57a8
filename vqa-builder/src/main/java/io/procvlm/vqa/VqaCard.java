package io.procvlm.vqa;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.procvlm.core.io.DatasetFiles;
import io.procvlm.core.model.EpisodeRef;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Collection;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The ProcVQA dataset card ({@code vqa/README.md}, with a Hugging Face YAML header: configs per family, splits, data
 * files, licenses) and its numbers ({@code vqa/stats.json}). Both are deterministic: no dates, sorted keys.
 */
public final class VqaCard {
    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
    private static final Pattern FRONT_LICENSE = Pattern.compile("(?m)^license:\\s*['\"]?([A-Za-z0-9.+-]+)");
    private static final List<String[]> LICENSE_TEXTS = List.of(
            new String[] {"MIT License", "mit"},
            new String[] {"Apache License", "apache-2.0"},
            new String[] {"Creative Commons Attribution-NonCommercial-ShareAlike 4.0", "cc-by-nc-sa-4.0"},
            new String[] {"Creative Commons Attribution-NonCommercial 4.0", "cc-by-nc-4.0"},
            new String[] {"Creative Commons Attribution-ShareAlike 4.0", "cc-by-sa-4.0"},
            new String[] {"Creative Commons Attribution 4.0", "cc-by-4.0"},
            new String[] {"BSD 3-Clause", "bsd-3-clause"},
            new String[] {"GNU GENERAL PUBLIC LICENSE", "gpl"});

    private final VqaConfig config;
    private final VqaTemplates templates;
    private final VqaStats stats;
    private final Map<String, Long> imagesPerSplit;
    private final Map<String, Long> imageBytes;
    private final Map<String, Long> sampleBytes;
    private final Map<String, Integer> shardsPerFolder;
    private final Map<String, String> licenses;
    private final ContextStats context;
    private final Map<String, Long> packBytes;

    /**
     * @param imagesPerSplit unique images stored per split
     * @param imageBytes bytes of the image shards per folder ({@code <split>/images})
     * @param sampleBytes bytes of the sample shards (Parquet and Arrow) per folder ({@code <split>/<family>})
     * @param shardsPerFolder sample shards per folder
     * @param licenses dataset id to license id
     * @param context token counts, context sets and packs
     * @param packBytes bytes of the pack shards per folder ({@code <split>/packs})
     */
    public VqaCard(
            VqaConfig config,
            VqaTemplates templates,
            VqaStats stats,
            Map<String, Long> imagesPerSplit,
            Map<String, Long> imageBytes,
            Map<String, Long> sampleBytes,
            Map<String, Integer> shardsPerFolder,
            Map<String, String> licenses,
            ContextStats context,
            Map<String, Long> packBytes) {
        this.config = config;
        this.templates = templates;
        this.stats = stats;
        this.imagesPerSplit = new TreeMap<>(imagesPerSplit);
        this.imageBytes = new TreeMap<>(imageBytes);
        this.sampleBytes = new TreeMap<>(sampleBytes);
        this.shardsPerFolder = new TreeMap<>(shardsPerFolder);
        this.licenses = new TreeMap<>(licenses);
        this.context = context;
        this.packBytes = new TreeMap<>(packBytes);
    }

    /**
     * Each dataset's license: {@code vqa.licenses}, else the {@code license:} of the dataset's README front matter,
     * else its LICENSE file's title, else {@code license} in {@code meta/info.json}, else {@code unknown}.
     */
    public static Map<String, String> licenses(Collection<EpisodeRef> refs, VqaConfig config) {
        Map<String, String> roots = new TreeMap<>();
        for (EpisodeRef ref : refs) {
            roots.putIfAbsent(ref.dataset().value(), ref.datasetRoot());
        }
        Map<String, String> licenses = new TreeMap<>();
        roots.forEach((dataset, root) ->
                licenses.put(dataset, config.licenses().getOrDefault(dataset, detect(DatasetFiles.at(root)))));
        return licenses;
    }

    static String detect(DatasetFiles files) {
        try {
            if (files.exists("README.md")) {
                Matcher matcher = FRONT_LICENSE.matcher(text(files, "README.md"));
                if (matcher.find()) {
                    return matcher.group(1).toLowerCase(Locale.ROOT);
                }
            }
            for (String name : List.of("LICENSE", "LICENSE.txt", "LICENSE.md")) {
                if (files.exists(name)) {
                    String head = text(files, name);
                    for (String[] known : LICENSE_TEXTS) {
                        if (head.contains(known[0])) {
                            return known[1];
                        }
                    }
                    return "other";
                }
            }
            if (files.exists("meta/info.json")) {
                String license = new ObjectMapper()
                        .readTree(text(files, "meta/info.json"))
                        .path("license")
                        .asText("");
                if (!license.isBlank()) {
                    return license.toLowerCase(Locale.ROOT);
                }
            }
        } catch (IOException | RuntimeException e) {
            return "unknown";
        }
        return "unknown";
    }

    private static String text(DatasetFiles files, String name) throws IOException {
        return new String(files.readAll(name, 64 * 1024), StandardCharsets.UTF_8);
    }

    /**
     * One license id for the card's header: the common one, or {@code other} when the sources differ or are unknown
     * (the per-dataset licenses are listed under Sources).
     */
    String overallLicense() {
        List<String> distinct = licenses.values().stream().distinct().toList();
        return distinct.size() == 1 && !distinct.get(0).equals("unknown") ? distinct.get(0) : "other";
    }

    long totalImages() {
        return imagesPerSplit.values().stream().mapToLong(Long::longValue).sum();
    }

    long totalBytes() {
        return imageBytes.values().stream().mapToLong(Long::longValue).sum()
                + sampleBytes.values().stream().mapToLong(Long::longValue).sum()
                + packBytes.values().stream().mapToLong(Long::longValue).sum();
    }

    public String statsJson() {
        ObjectNode root = JSON.createObjectNode();
        root.put("samples", stats.sampleCount());
        root.put("images", totalImages());
        root.put("frame-references", stats.frameReferences());
        root.put(
                "frame-reuse-factor", round(totalImages() == 0 ? 0 : stats.frameReferences() / (double) totalImages()));
        root.put("bytes", totalBytes());
        root.put("bytes-per-sample", round(stats.sampleCount() == 0 ? 0 : totalBytes() / (double) stats.sampleCount()));
        ObjectNode settings = root.putObject("settings");
        settings.put("seed", config.seed());
        settings.put("split-salt", config.splitSalt());
        settings.put("test-ratio", config.testRatio());
        settings.putPOJO("ood-datasets", config.oodDatasets());
        settings.putPOJO("ood-tasks", config.oodTasks());
        settings.put("image-max-side", config.imageMaxSide());
        settings.put("keep-aspect", config.keepAspect());
        settings.put("jpeg-quality", config.jpegQuality());
        settings.put("materialized", config.materialize());
        settings.put("templates-sha256", templates.fingerprint());
        ContextConfig contextConfig = config.context();
        ObjectNode tokenSettings = settings.putObject("tokens");
        tokenSettings.put("method", contextConfig.counter().text().method());
        tokenSettings.put("tokenizer", contextConfig.tokenizer());
        tokenSettings.put(
                "tokenizer-sha256",
                contextConfig.tokenizer().isEmpty()
                        ? ""
                        : contextConfig.counter().text().fingerprint());
        tokenSettings.put(
                "vision-model", contextConfig.counter().vision().model().id());
        tokenSettings.put("min-pixels", contextConfig.counter().vision().minPixels());
        tokenSettings.put("max-pixels", contextConfig.counter().vision().maxPixels());
        tokenSettings.put("chat-overhead", contextConfig.counter().overhead());
        ObjectNode contextSettings = settings.putObject("context");
        contextSettings.put("short-max", contextConfig.shortMax());
        contextSettings.put("long-max", contextConfig.longMax());
        contextSettings.put("replay", contextConfig.replay());
        contextSettings.put("min-video-seconds", contextConfig.minVideoSeconds());
        contextSettings.put("resize-side", contextConfig.resizeSide());
        ObjectNode packSettings = settings.putObject("packing");
        packSettings.put("short-capacity", contextConfig.shortCapacity());
        packSettings.put("long-capacity", contextConfig.longCapacity());
        packSettings.put("chunk-rows", contextConfig.chunkRows());
        packSettings.put("order", "SHA-256 of (run.seed, 'pack', sample id), then id");
        ObjectNode episodes = root.putObject("episodes");
        stats.episodes().forEach(episodes::put);
        ObjectNode bySplit = root.putObject("samples-by-split-and-family");
        stats.bySplitAndFamily().forEach((split, byFamily) -> {
            ObjectNode node = bySplit.putObject(split);
            byFamily.forEach(node::put);
        });
        ObjectNode byDataset = root.putObject("samples-by-split-dataset-and-family");
        stats.samples().forEach((split, datasets) -> {
            ObjectNode splitNode = byDataset.putObject(split);
            datasets.forEach((dataset, families) -> {
                ObjectNode node = splitNode.putObject(dataset);
                families.forEach(node::put);
            });
        });
        ObjectNode templateCounts = root.putObject("samples-by-template");
        stats.templates().forEach((family, counts) -> {
            ObjectNode node = templateCounts.putObject(family);
            counts.forEach(node::put);
        });
        ArrayNode histogram = root.putArray("progress-histogram");
        long[] bins = stats.progressHistogram();
        for (int i = 0; i < bins.length; i++) {
            ObjectNode bin = histogram.addObject();
            bin.put("from", i * 100.0 / bins.length);
            bin.put("to", (i + 1) * 100.0 / bins.length);
            bin.put("samples", bins[i]);
        }
        ObjectNode subtasks = root.putObject("subtasks-per-episode");
        stats.subtasksPerEpisode().forEach((spans, count) -> subtasks.put(Integer.toString(spans), count));
        ObjectNode frames = root.putObject("frames-per-sample");
        stats.framesPerSample().forEach((family, counts) -> {
            ObjectNode node = frames.putObject(family);
            counts.forEach((shown, count) -> node.put(Integer.toString(shown), count));
        });
        ObjectNode tokens = root.putObject("tokens");
        tokens.put("method", contextConfig.counter().text().method());
        tokens.put(
                "total",
                context.tokensByFamily().values().stream()
                        .mapToLong(ContextStats.Tokens::tokens)
                        .sum());
        ObjectNode tokensByFamily = tokens.putObject("by-family");
        context.tokensByFamily().forEach((family, counts) -> tokenNode(tokensByFamily.putObject(family), counts));
        ObjectNode tokensBySplit = tokens.putObject("by-split-and-family");
        context.tokens().forEach((split, byFamily) -> {
            ObjectNode node = tokensBySplit.putObject(split);
            byFamily.forEach((family, counts) -> tokenNode(node.putObject(family), counts));
        });
        ObjectNode sets = root.putObject("context-sets");
        context.sets().forEach((split, bySet) -> {
            ObjectNode node = sets.putObject(split);
            for (String set : ContextConfig.SETS) {
                ContextStats.ContextSet counts = bySet.get(set);
                if (counts == null) {
                    continue;
                }
                ObjectNode setNode = node.putObject(set);
                setNode.put("file", contextConfig.packName(set));
                setNode.put("samples", counts.samples());
                setNode.put("tokens", counts.tokens());
                setNode.put("replayed", counts.replayed());
                setNode.put("over-capacity", counts.overCapacity());
                setNode.put("packs", counts.packs());
                setNode.put("packed-samples", counts.packedSamples());
                setNode.put("packed-tokens", counts.packedTokens());
                setNode.put("capacity", counts.capacity());
                setNode.put("fill-ratio", round(counts.fillRatio()));
            }
        });
        ObjectNode dropped = root.putObject("dropped");
        context.dropped().forEach((split, byReason) -> {
            ObjectNode node = dropped.putObject(split);
            byReason.forEach(node::put);
        });
        ObjectNode downSized = root.putObject("down-sized-samples");
        context.downSized().forEach(downSized::put);
        ObjectNode images = root.putObject("images-by-split");
        imagesPerSplit.forEach(images::put);
        ObjectNode variants = root.putObject("images-by-split-and-variant");
        context.imagesByVariant().forEach((split, byVariant) -> {
            ObjectNode node = variants.putObject(split);
            byVariant.forEach(node::put);
        });
        ObjectNode bytes = root.putObject("bytes-by-folder");
        imageBytes.forEach(bytes::put);
        sampleBytes.forEach(bytes::put);
        packBytes.forEach(bytes::put);
        ObjectNode licenseNode = root.putObject("licenses");
        licenses.forEach(licenseNode::put);
        ObjectNode leakage = root.putObject("leakage-check");
        leakage.put("episodes-in-several-splits", 0);
        leakage.put("rule", "an episode (qualified by dataset) and all its samples belong to one split");
        try {
            return JSON.writeValueAsString(root) + "\n";
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    public String readme() {
        StringBuilder out = new StringBuilder();
        out.append("---\n");
        out.append("license: ").append(overallLicense()).append('\n');
        out.append("task_categories:\n- visual-question-answering\n- robotics\n");
        out.append("tags:\n- robotics\n- progress-estimation\n- procvlm\n");
        out.append("configs:\n");
        Map<String, List<String>> splitsOfFamily = new TreeMap<>();
        stats.bySplitAndFamily()
                .forEach((split, byFamily) -> byFamily.keySet()
                        .forEach(family -> splitsOfFamily
                                .computeIfAbsent(family, k -> new java.util.ArrayList<>())
                                .add(split)));
        for (VqaFamily family : config.families()) {
            List<String> splits = splitsOfFamily.get(family.id());
            if (splits == null) {
                continue;
            }
            out.append("- config_name: ").append(family.id()).append('\n');
            if (family == VqaFamily.PROGRESS) {
                out.append("  default: true\n");
            }
            out.append("  data_files:\n");
            for (String split : splits) {
                out.append("  - split: ").append(split).append('\n');
                out.append("    path: ")
                        .append(split)
                        .append('/')
                        .append(family.id())
                        .append("/*.parquet\n");
            }
        }
        out.append("- config_name: images\n  data_files:\n");
        for (String split : imagesPerSplit.keySet()) {
            out.append("  - split: ").append(split).append('\n');
            out.append("    path: ").append(split).append("/images/*.parquet\n");
        }
        out.append("---\n\n");
        out.append("# ProcVQA\n\n");
        out.append("Procedure-grounded question/answer samples for training and evaluating robot progress reward models"
                + " (ProcVLM, arXiv 2605.08774), built by procvlm-pipeline from ProcCorpus: per frame, the active"
                + " subtask, the task's progress, the remaining actions and whether the task is done.\n\n");
        out.append("## Families\n\n");
        out.append("| family | templates | question | answer |\n|---|---|---|---|\n");
        out.append("| `segmentation` | a1 (with the task), a2 (without) | 32-96 sampled frames, each as `<frame i>`"
                + " + `<image>` | JSON list of `{action_description, start_frame, end_frame}` in shown-frame numbers,"
                + " end inclusive |\n");
        out.append("| `planning` | b1 (next action), b2 (remaining actions) | the current frame, or it and 4-16 frames"
                + " before | one action, or a numbered list; `No action required. <reason>.` once finished |\n");
        out.append("| `progress` | c | as planning | the remaining actions, then `<progress>XX.XX%</progress>`;"
                + " finished: a reason and `<progress>100%</progress>` |\n\n");
        out.append("## Layout\n\n");
        out.append("```\n<split>/images/part-NNNNN.parquet      dataset, episode_index, frame_index, width, height,"
                + " image {bytes (JPEG), path}\n<split>/<family>/part-NNNNN.parquet    id, dataset, episode_index,"
                + " segment_index, split, family, template, task, frame_indices, question, answer, progress,"
                + " anchor_frame, num_tokens, text_tokens, image_tokens, image_variant, context, replay, drop_reason"
                + (config.materialize() ? ", images [{bytes, path}]" : "") + "\n"
                + "<split>/packs/part-NNNNN.parquet       pack_id, split, context, chunk, bin, capacity, samples, tokens,"
                + " sample_ids, sample_tokens\n"
                + "arrow/<split>/<family>/part-NNNNN.arrow  the same rows as Arrow IPC files\nstats.json"
                + "                            every number on this card\n```\n\n");
        out.append("Each frame is stored once per split in `images/`; a sample lists the frames it shows in"
                + " `frame_indices` (one `<image>` placeholder each, in order), to be joined on"
                + " (dataset, episode_index, frame_index).");
        if (config.materialize()) {
            out.append(" The sample tables also embed their images (`images`), as Hugging Face `datasets` Image"
                    + " structs.");
        }
        out.append(" `progress` is the ground truth in percent for the progress family, null otherwise.\n\n");
        out.append("## Splits\n\n");
        out.append(String.format(
                Locale.ROOT,
                "Whole episodes: an episode and every sample of it belong to one split. `ood` holds whole held-out"
                        + " datasets %s and tasks %s; of the rest, a share of %.2f goes to `test` by a hash of"
                        + " (split salt `%s`, dataset, episode), so changing the seed (%d) changes samples, never"
                        + " membership.\n\n",
                config.oodDatasets(),
                config.oodTasks(),
                config.testRatio(),
                config.splitSalt(),
                config.seed()));
        out.append("| split | episodes | images |");
        for (VqaFamily family : config.families()) {
            out.append(' ').append(family.id()).append(" |");
        }
        out.append("\n|---|---|---|");
        out.append("---|".repeat(config.families().size()));
        out.append('\n');
        Map<String, Map<String, Long>> bySplit = stats.bySplitAndFamily();
        for (String split : stats.episodes().keySet()) {
            out.append("| ")
                    .append(split)
                    .append(" | ")
                    .append(stats.episodes().get(split))
                    .append(" | ")
                    .append(imagesPerSplit.getOrDefault(split, 0L))
                    .append(" |");
            for (VqaFamily family : config.families()) {
                out.append(' ')
                        .append(bySplit.getOrDefault(split, Map.of()).getOrDefault(family.id(), 0L))
                        .append(" |");
            }
            out.append('\n');
        }
        out.append("\n## Sources\n\n| dataset | license |");
        for (VqaFamily family : config.families()) {
            out.append(' ').append(family.id()).append(" |");
        }
        out.append("\n|---|---|")
                .append("---|".repeat(config.families().size()))
                .append('\n');
        Map<String, Map<String, Long>> byDataset = new TreeMap<>();
        stats.samples()
                .forEach((split, datasets) ->
                        datasets.forEach((dataset, families) -> families.forEach((family, count) -> byDataset
                                .computeIfAbsent(dataset, k -> new TreeMap<>())
                                .merge(family, count, Long::sum))));
        for (Map.Entry<String, String> license : licenses.entrySet()) {
            out.append("| ")
                    .append(license.getKey())
                    .append(" | ")
                    .append(license.getValue())
                    .append(" |");
            for (VqaFamily family : config.families()) {
                out.append(' ')
                        .append(byDataset
                                .getOrDefault(license.getKey(), Map.of())
                                .getOrDefault(family.id(), 0L))
                        .append(" |");
            }
            out.append('\n');
        }
        out.append("\n## Numbers\n\n");
        out.append(String.format(
                Locale.ROOT,
                "- %d samples, %d images (%d frame references: each stored image is shown %.2f times), %.1f KiB per"
                        + " sample on disk\n",
                stats.sampleCount(),
                totalImages(),
                stats.frameReferences(),
                totalImages() == 0 ? 0 : stats.frameReferences() / (double) totalImages(),
                stats.sampleCount() == 0 ? 0 : totalBytes() / 1024.0 / stats.sampleCount()));
        for (String family : stats.templates().keySet()) {
            long samples = stats.templates().get(family).values().stream()
                    .mapToLong(Long::longValue)
                    .sum();
            long frames = 0;
            for (Map.Entry<Integer, Long> entry :
                    stats.framesPerSample().getOrDefault(family, Map.of()).entrySet()) {
                frames += entry.getKey() * entry.getValue();
            }
            out.append(String.format(
                    Locale.ROOT,
                    "- %s: %.1f frames per sample, %.0f tokens per sample (%s), at most %d\n",
                    family,
                    samples == 0 ? 0 : frames / (double) samples,
                    context.tokensByFamily()
                            .getOrDefault(family, new ContextStats.Tokens(0, 0, 0, 0, 0))
                            .mean(),
                    tokenMethod(),
                    context.tokensByFamily()
                            .getOrDefault(family, new ContextStats.Tokens(0, 0, 0, 0, 0))
                            .max()));
        }
        out.append("- progress answers in 5% bins: ");
        long[] bins = stats.progressHistogram();
        for (int i = 0; i < bins.length; i++) {
            out.append(i == 0 ? "" : ", ").append(bins[i]);
        }
        out.append("\n- subtasks per episode (spans, with retries): ");
        StringBuilder spans = new StringBuilder();
        stats.subtasksPerEpisode()
                .forEach((count, episodes) -> spans.append(spans.length() == 0 ? "" : ", ")
                        .append(count)
                        .append(": ")
                        .append(episodes));
        out.append(spans).append("\n\n");
        out.append("Images: longest side at most ")
                .append(config.imageMaxSide())
                .append(" px, ")
                .append(config.keepAspect() ? "aspect ratio kept" : "squashed to a square")
                .append(", JPEG quality ")
                .append(config.jpegQuality())
                .append(".\n\n");
        appendContext(out);
        out.append(
                "## Loading\n\n```python\nimport pyarrow.dataset as ds\nsamples ="
                        + " ds.dataset(\"train/progress\", format=\"parquet\").to_table()\nimages ="
                        + " ds.dataset(\"train/images\", format=\"parquet\").to_table()\n\nfrom datasets import"
                        + " load_dataset\nprogress = load_dataset(\"parquet\", data_files=\"train/progress/*.parquet\")\n```\n");
        return out.toString();
    }

    private String tokenMethod() {
        ContextConfig contextConfig = config.context();
        String vision = contextConfig.counter().vision().model().id() + " image rule";
        return contextConfig.counter().text().method().equals("tokenizer")
                ? "text by the tokenizer " + contextConfig.tokenizer() + ", images by the " + vision
                : "ESTIMATE: no tokenizer file, text at 4 characters a token; images by the " + vision;
    }

    /** Token counts, the context split and the packs, per split and set. */
    private void appendContext(StringBuilder out) {
        ContextConfig contextConfig = config.context();
        out.append("## Tokens, context sets and packs\n\n");
        out.append(String.format(
                Locale.ROOT,
                "Token counts: %s (`num_tokens` = %d for the chat frame + text + images; every `<image>` is"
                        + " `<|vision_start|><|image_pad|><|vision_end|>` and its pad expands to the image's"
                        + " tokens, min %d / max %d pixels). Samples above %d tokens are counted again with their"
                        + " images down-sized to %d px (`image_variant`, stored once each in `images/` as"
                        + " `<frame>_%d.jpg`); %s.\n\n",
                tokenMethod(),
                contextConfig.counter().overhead(),
                contextConfig.counter().vision().minPixels(),
                contextConfig.counter().vision().maxPixels(),
                contextConfig.longMax(),
                contextConfig.resizeSide(),
                contextConfig.resizeSide(),
                context.downSized().isEmpty()
                        ? "no sample needed it"
                        : context.downSized().values().stream()
                                        .mapToLong(Long::longValue)
                                        .sum()
                                + " samples were down-sized"));
        out.append(String.format(
                Locale.ROOT,
                "Context sets (`context`): short below %d tokens, long from %d to %d; a share of %.3f of the short"
                        + " samples is replayed in the long set (`replay`); samples of videos shorter than %.1f s"
                        + " and samples above %d tokens are dropped (`drop_reason`). Each set is packed in a"
                        + " seeded order (run.seed %d), %d samples at a time, into packs of %d (short) and %d (long)"
                        + " tokens, heaviest first into the fullest pack it fits (`binpacking.to_constant_volume`);"
                        + " samples above a pack's capacity are left out and counted.\n\n",
                contextConfig.shortMax(),
                contextConfig.shortMax(),
                contextConfig.longMax(),
                contextConfig.replay(),
                contextConfig.minVideoSeconds(),
                contextConfig.longMax(),
                config.seed(),
                contextConfig.chunkRows(),
                contextConfig.shortCapacity(),
                contextConfig.longCapacity()));
        out.append("| split | set | samples | tokens | replayed | over capacity | packs | fill ratio |\n"
                + "|---|---|---|---|---|---|---|---|\n");
        context.sets().forEach((split, bySet) -> {
            for (String set : ContextConfig.SETS) {
                ContextStats.ContextSet counts = bySet.get(set);
                if (counts != null) {
                    out.append(String.format(
                            Locale.ROOT,
                            "| %s | %s (`%s`) | %d | %d | %d | %d | %d | %.3f |\n",
                            split,
                            set,
                            contextConfig.packName(set),
                            counts.samples(),
                            counts.tokens(),
                            counts.replayed(),
                            counts.overCapacity(),
                            counts.packs(),
                            counts.fillRatio()));
                }
            }
        });
        out.append("\nDropped: ");
        if (context.dropped().isEmpty()) {
            out.append("none");
        } else {
            StringBuilder parts = new StringBuilder();
            context.dropped()
                    .forEach((split, byReason) ->
                            byReason.forEach((reason, count) -> parts.append(parts.length() == 0 ? "" : ", ")
                                    .append(split)
                                    .append(' ')
                                    .append(reason)
                                    .append(' ')
                                    .append(count)));
            out.append(parts);
        }
        out.append(".\n\n");
    }

    private static void tokenNode(ObjectNode node, ContextStats.Tokens counts) {
        node.put("samples", counts.samples());
        node.put("tokens", counts.tokens());
        node.put("mean", round(counts.mean()));
        node.put("text", counts.text());
        node.put("image", counts.image());
        node.put("max", counts.max());
    }

    private static double round(double value) {
        return Math.round(value * 1000.0) / 1000.0;
    }
}
