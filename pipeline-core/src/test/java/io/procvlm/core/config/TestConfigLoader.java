package io.procvlm.core.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.procvlm.core.error.CoreErrorCode;
import io.procvlm.core.error.PipelineException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

final class TestConfigLoader {
    private static final ConfigSchema SCHEMA = ConfigSchema.of(List.of(CoreConfig.properties()));
    private final ConfigLoader loader = new ConfigLoader(SCHEMA);

    @TempDir
    Path directory;

    @Test
    void defaultsCoverEveryKey() {
        Config config = loader.load(null, List.of());
        assertThat(config.string(CoreConfig.OUTPUT_ROOT)).isEqualTo("out");
        assertThat(config.string(CoreConfig.SPARK_MASTER)).isEqualTo("local[*]");
        assertThat(config.bool(CoreConfig.SPARK_UI)).isFalse();
        assertThat(config.integer(CoreConfig.FEATURES_WORKING_WIDTH)).isEqualTo(160);
        assertThat(config.string(CoreConfig.FEATURES_FLOW)).isEqualTo("dis");
        assertThat(config.datasets(CoreConfig.DATASETS)).isEmpty();
        assertThat(config.stringList(CoreConfig.CAMERA_EXO_PATTERNS)).startsWith("front", "exo", "exterior", "global");
        for (ConfigProperty property : SCHEMA.properties()) {
            assertThat(config.isSet(property.key())).as(property.key()).isTrue();
            assertThat(config.source(property.key())).isEqualTo("default");
        }
    }

    @Test
    void fileSetsEveryKindOfValue() throws IOException {
        Path file = write("""
                datasets:
                  - path: /data/a
                  - path: /data/b
                    format: lerobot-v3.0
                    id: b-set
                    camera: cam_high
                  - /data/c
                output:
                  root: /tmp/out
                  rows-per-file: 5000
                spark:
                  master: local[2]
                  ui: true
                  conf:
                    spark.executor.memory: 2g
                camera:
                  map:
                    droid_1.0.1_lerobot: exterior_image_1_left
                  exo-patterns: [front, global]
                features.flow: farneback
                features:
                  working-width: 224
                  moving-threshold-px: 0.5
                """);
        Config config = loader.load(file, List.of());
        assertThat(config.datasets(CoreConfig.DATASETS))
                .containsExactly(
                        DatasetSpec.ofPath("/data/a"),
                        new DatasetSpec("/data/b", "lerobot-v3.0", "b-set", "cam_high"),
                        DatasetSpec.ofPath("/data/c"));
        assertThat(config.string(CoreConfig.OUTPUT_ROOT)).isEqualTo("/tmp/out");
        assertThat(config.longValue(CoreConfig.OUTPUT_ROWS_PER_FILE)).isEqualTo(5000L);
        assertThat(config.bool(CoreConfig.SPARK_UI)).isTrue();
        assertThat(config.stringMap(CoreConfig.SPARK_CONF)).isEqualTo(Map.of("spark.executor.memory", "2g"));
        assertThat(config.stringMap(CoreConfig.CAMERA_MAP))
                .isEqualTo(Map.of("droid_1.0.1_lerobot", "exterior_image_1_left"));
        assertThat(config.stringList(CoreConfig.CAMERA_EXO_PATTERNS)).containsExactly("front", "global");
        assertThat(config.string(CoreConfig.FEATURES_FLOW)).isEqualTo("farneback");
        assertThat(config.integer(CoreConfig.FEATURES_WORKING_WIDTH)).isEqualTo(224);
        assertThat(config.doubleValue(CoreConfig.FEATURES_MOVING_THRESHOLD)).isEqualTo(0.5);
        assertThat(config.source(CoreConfig.FEATURES_FLOW)).isEqualTo(file.toString());
    }

    @Test
    void overridesApplyAfterTheFile() throws IOException {
        Path file = write("features:\n  working-width: 224\n");
        Config config = loader.load(
                file,
                List.of(
                        "features.working-width=96",
                        "camera.map.my.dataset=top_cam",
                        "camera.exo-patterns=exo, front",
                        "datasets=/a,/b"));
        assertThat(config.integer(CoreConfig.FEATURES_WORKING_WIDTH)).isEqualTo(96);
        assertThat(config.source(CoreConfig.FEATURES_WORKING_WIDTH)).isEqualTo("--set");
        assertThat(config.stringMap(CoreConfig.CAMERA_MAP)).containsEntry("my.dataset", "top_cam");
        assertThat(config.stringList(CoreConfig.CAMERA_EXO_PATTERNS)).containsExactly("exo", "front");
        assertThat(config.datasets(CoreConfig.DATASETS))
                .extracting(DatasetSpec::path)
                .containsExactly("/a", "/b");
        assertThat(config.toFlatMap())
                .containsEntry("features.working-width", "96")
                .containsEntry("camera.map.my.dataset", "top_cam")
                .containsEntry("datasets[1].path", "/b");
    }

    @Test
    void unknownKeyInFileNamesKeyAndSuggests() throws IOException {
        Path file = write("features:\n  working-widht: 224\n");
        assertThatThrownBy(() -> loader.load(file, List.of()))
                .isInstanceOf(PipelineException.class)
                .hasMessage("Unknown configuration key 'features.working-widht' (from " + file
                        + "); did you mean 'features.working-width'?")
                .extracting(e -> ((PipelineException) e).errorCode().name())
                .isEqualTo(CoreErrorCode.CONFIG_UNKNOWN_KEY.name());
    }

    @Test
    void unknownKeyOnCommandLine() {
        assertThatThrownBy(() -> loader.load(null, List.of("spark.mastr=local")))
                .isInstanceOf(PipelineException.class)
                .hasMessageContaining("Unknown configuration key 'spark.mastr' (from --set)")
                .hasMessageContaining("did you mean 'spark.master'?");
        assertThatThrownBy(() -> loader.load(null, List.of("nonsense=1")))
                .hasMessage("Unknown configuration key 'nonsense' (from --set)");
    }

    @Test
    void badValuesNameKeyValueAndExpectation() throws IOException {
        assertInvalid(
                List.of("features.working-width=wide"),
                "Invalid value 'wide' for configuration key 'features.working-width' (from --set): expected an"
                        + " integer");
        assertInvalid(
                List.of("features.working-width=8"),
                "Invalid value '8' for configuration key 'features.working-width' (from --set): expected a number"
                        + " between 16 and 4096");
        assertInvalid(
                List.of("features.flow=lucas-kanade"),
                "Invalid value 'lucas-kanade' for configuration key 'features.flow' (from --set): expected one of"
                        + " dis, farneback, none");
        assertInvalid(
                List.of("spark.ui=maybe"),
                "Invalid value 'maybe' for configuration key 'spark.ui' (from --set): expected true or false");
        assertInvalid(
                List.of("video.timestamp-tolerance-frames=NaN"),
                "Invalid value 'NaN' for configuration key 'video.timestamp-tolerance-frames' (from --set):"
                        + " expected a finite number");
        assertInvalid(List.of("no-equals-sign"), "Invalid --set 'no-equals-sign': expected key=value");
        Path file = write("datasets:\n  - format: auto\n");
        assertThatThrownBy(() -> loader.load(file, List.of()))
                .hasMessage("Invalid value 'null' for configuration key 'datasets[0].path' (from " + file
                        + "): expected the dataset's root folder");
        Path typo = write("datasets:\n  - path: /a\n    camra: x\n");
        assertThatThrownBy(() -> loader.load(typo, List.of()))
                .hasMessageContaining("Unknown configuration key 'datasets[0].camra'");
    }

    @Test
    void unreadableFiles() throws IOException {
        assertThatThrownBy(() -> loader.load(directory.resolve("missing.yaml"), List.of()))
                .hasMessageContaining("no such file")
                .extracting(e -> ((PipelineException) e).errorCode().name())
                .isEqualTo("CONFIG_UNREADABLE");
        Path broken = write("features: [unclosed\n");
        assertThatThrownBy(() -> loader.load(broken, List.of())).hasMessageContaining("Cannot parse");
        Path list = write("- a\n- b\n");
        assertThatThrownBy(() -> loader.load(list, List.of())).hasMessageContaining("must be a map");
    }

    @Test
    void yamlCannotInstantiateClasses() throws IOException {
        Path file = write("output:\n  root: !!javax.script.ScriptEngineManager [!!java.net.URLClassLoader [[]]]\n");
        assertThatThrownBy(() -> loader.load(file, List.of())).isInstanceOf(PipelineException.class);
    }

    private void assertInvalid(List<String> overrides, String message) {
        assertThatThrownBy(() -> loader.load(null, overrides))
                .isInstanceOf(PipelineException.class)
                .hasMessage(message)
                .extracting(e -> ((PipelineException) e).errorCode().name())
                .isEqualTo("CONFIG_INVALID_VALUE");
    }

    private Path write(String yaml) throws IOException {
        Path file = Files.createTempFile(directory, "config", ".yaml");
        Files.writeString(file, yaml);
        return file;
    }
}
