package io.procvlm.core.catalog;

import static io.procvlm.core.config.ConfigProperty.string;

import io.procvlm.core.config.Config;
import io.procvlm.core.config.ConfigProperty;
import io.procvlm.core.config.CoreConfig;
import io.procvlm.core.config.DatasetSpec;
import io.procvlm.core.error.CoreErrorCode;
import io.procvlm.core.error.PipelineException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.UnaryOperator;

/** The configuration keys of the dataset catalog, and the selection of catalog datasets for a run. */
public final class CatalogConfig {
    public static final String FOLDER = "catalog.folder";
    public static final String DATA_ROOT = "catalog.data-root";
    /** {@code catalog.folder} value for the catalog shipped in the jar. */
    public static final String EMBEDDED = "embedded";
    /** The environment variable read when {@code catalog.data-root} is empty. */
    public static final String DATA_ROOT_ENV = LocationTemplate.DATA_ROOT_VARIABLE;

    private CatalogConfig() {}

    public static List<ConfigProperty> properties() {
        return List.of(
                string(
                        FOLDER,
                        EMBEDDED,
                        "Dataset catalog: 'embedded' (identical to conf/datasets/) or a folder of <id>.yaml entries"),
                string(
                        DATA_ROOT,
                        "",
                        "Data root that catalog locations (${PROCVLM_DATA}/...) resolve against, local path or Hadoop"
                                + " URI; empty = the PROCVLM_DATA environment variable"));
    }

    /** The catalog the configuration names. */
    public static DatasetCatalog catalog(Config config) {
        return DatasetCatalog.load(config.string(FOLDER));
    }

    /** {@code catalog.data-root}, else the environment variable; fails naming both when neither is set. */
    public static String dataRoot(Config config, UnaryOperator<String> environment) {
        String configured = config.string(DATA_ROOT);
        if (!configured.isBlank()) {
            return configured.strip();
        }
        String fromEnvironment = environment.apply(DATA_ROOT_ENV);
        if (fromEnvironment != null && !fromEnvironment.isBlank()) {
            return fromEnvironment.strip();
        }
        throw new PipelineException(
                CoreErrorCode.CONFIG_MISSING_VALUE,
                "No data root for catalog datasets: set configuration key '" + DATA_ROOT + "' (e.g. --set " + DATA_ROOT
                        + "=/data) or the environment variable " + DATA_ROOT_ENV);
    }

    /**
     * The {@code datasets} entries for catalog ids, in the order given (duplicates dropped): path resolved under the
     * data root, id = catalog id, format (LeRobot entries: {@code lerobot}, the version being read from the data), and
     * the catalog's exo camera unless {@code camera.map} names one for that id.
     */
    public static List<DatasetSpec> select(
            Config config, DatasetCatalog catalog, List<String> ids, String where, UnaryOperator<String> environment) {
        List<CatalogEntry> entries = new ArrayList<>();
        for (String id : ids) {
            CatalogEntry entry = catalog.require(id.strip(), where);
            if (!entries.contains(entry)) {
                entries.add(entry);
            }
        }
        String dataRoot = dataRoot(config, environment);
        Map<String, String> cameraMap = config.stringMap(CoreConfig.CAMERA_MAP);
        List<DatasetSpec> specs = new ArrayList<>();
        for (CatalogEntry entry : entries) {
            String camera = cameraMap.containsKey(entry.id())
                    ? null
                    : entry.explicitExoCamera().orElse(null);
            specs.add(new DatasetSpec(
                    entry.resolveLocation(dataRoot),
                    entry.isLeRobot() ? "lerobot" : entry.format(),
                    entry.id(),
                    camera));
        }
        return specs;
    }

    /** A spec as a {@code datasets} list entry, for {@code Config.with}. */
    public static Map<String, String> toConfigEntry(DatasetSpec spec) {
        Map<String, String> entry = new LinkedHashMap<>();
        entry.put("path", spec.path());
        entry.put("format", spec.format());
        spec.explicitId().ifPresent(id -> entry.put("id", id));
        spec.explicitCamera().ifPresent(camera -> entry.put("camera", camera));
        return entry;
    }
}
