package io.procvlm.app;

import io.procvlm.core.catalog.CatalogConfig;
import io.procvlm.core.catalog.DatasetCatalog;
import io.procvlm.core.config.Config;
import io.procvlm.core.config.CoreConfig;
import io.procvlm.core.config.DatasetSpec;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code --dataset}, {@code --datasets}, {@code --format}, {@code --camera} and {@code --out}: dataset folders or
 * catalog ids given on the command line instead of the config's {@code datasets} list.
 */
public final class DatasetOptions {
    @Option(
            names = {"-d", "--dataset"},
            paramLabel = "PATH",
            description = "Dataset root folder to read (repeatable); replaces the config's 'datasets' list.")
    List<String> datasets = new ArrayList<>();

    @Option(
            names = "--datasets",
            paramLabel = "ID[,ID...]",
            split = ",",
            description = "Catalog dataset ids to read (procvlm catalog lists them), resolved under catalog.data-root"
                    + " (or $PROCVLM_DATA); with --dataset, both are read. Replaces the config's 'datasets' list.")
    List<String> catalogIds = new ArrayList<>();

    @Option(
            names = "--format",
            paramLabel = "FORMAT",
            defaultValue = "auto",
            description = "Format of the --dataset folders: auto (default), lerobot, lerobot-v2.0, lerobot-v2.1,"
                    + " lerobot-v3.0, agibot-world, hdf5-robomimic, rlds or image-sequence.")
    String format;

    @Option(
            names = "--camera",
            paramLabel = "KEY",
            description = "Camera key to use as the exo view for the --dataset folders (default: the camera rules).")
    String camera;

    @Mixin
    OutputOption output = new OutputOption();

    /** The configuration with these options applied on top. */
    public Config apply(Config config) {
        Config result = config;
        if (!datasets.isEmpty() || !catalogIds.isEmpty()) {
            List<Object> entries = new ArrayList<>();
            for (String path : datasets) {
                Map<String, String> entry = new LinkedHashMap<>();
                entry.put("path", path);
                entry.put("format", format);
                if (camera != null) {
                    entry.put("camera", camera);
                }
                entries.add(entry);
            }
            if (!catalogIds.isEmpty()) {
                DatasetCatalog catalog = CatalogConfig.catalog(config);
                for (DatasetSpec spec :
                        CatalogConfig.select(config, catalog, catalogIds, "--datasets", System::getenv)) {
                    entries.add(CatalogConfig.toConfigEntry(spec));
                }
            }
            result = result.with(CoreConfig.DATASETS, entries, datasets.isEmpty() ? "--datasets" : "--dataset");
        }
        return output.apply(result);
    }
}
