package io.procvlm.core.catalog;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.procvlm.core.config.Config;
import io.procvlm.core.config.ConfigSchema;
import io.procvlm.core.config.CoreConfig;
import io.procvlm.core.config.DatasetSpec;
import io.procvlm.core.error.CoreErrorCode;
import io.procvlm.core.error.PipelineException;
import io.procvlm.core.testing.TestData;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The dataset catalog: the shipped entries, the embedded copy, validation and location safety. */
final class TestDatasetCatalog {
    private static final String VALID = """
            id: sample
            version: 2
            name: Sample
            format: lerobot-v2.1
            location: ${PROCVLM_DATA}/lerobot/sample
            inferred: true
            cameras:
              exo: observation.images.front
              ego: [observation.images.wrist]
            fps: 12.5
            task-text: meta/tasks
            native-labels:
              present: true
              where: sub_task_index column
            license: CC-BY-4.0
            domain: real
            embodiment: Franka Emika Panda
            notes: none known
            """;

    @TempDir
    Path directory;

    @Test
    void shippedCatalogHasThirtyValidEntries() {
        DatasetCatalog catalog = DatasetCatalog.embedded();
        List<CatalogEntry> entries = catalog.entries();
        assertThat(entries).hasSize(30);
        assertThat(entries.stream().map(CatalogEntry::id).distinct()).hasSize(30);
        for (CatalogEntry entry : entries) {
            assertThat(entry.license()).as(entry.id()).isNotBlank();
            assertThat(DatasetCatalog.FORMATS).as(entry.id()).contains(entry.format());
            // an entry the seed names is not inferred, and the other way round
            assertThat(entry.inferred()).as(entry.id()).isEqualTo(entry.seedName() == null);
            assertThat(entry.resolveLocation(directory.toString())).startsWith("file:" + directory);
        }
        assertThat(entries.stream().filter(CatalogEntry::inferred).map(CatalogEntry::id))
                .containsExactlyInAnyOrder("robomind", "robocerebra", "viola");
        CatalogEntry agibot = catalog.find("agibot_world_alpha").orElseThrow();
        assertThat(agibot.format()).isEqualTo("agibot-world");
        assertThat(agibot.license()).isEqualTo("CC-BY-NC-SA-4.0");
        assertThat(agibot.nativeLabels()).isTrue();
        assertThat(catalog.find("bridge_orig").orElseThrow().exoCamera()).isEqualTo("observation.images.image_0");
        assertThat(catalog.find("libero").orElseThrow().domain()).isEqualTo("sim");
        assertThat(catalog.find("droid").orElseThrow().fps()).isEqualTo(15.0);
    }

    @Test
    void embeddedCopyEqualsConfDatasets() throws IOException {
        Path conf = TestData.repoRoot().resolve("conf/datasets");
        List<String> files;
        try (Stream<Path> listing = Files.list(conf)) {
            files = listing.map(path -> path.getFileName().toString()).sorted().toList();
        }
        assertThat(DatasetCatalog.embeddedFiles()).isEqualTo(files);
        for (String file : files) {
            try (InputStream in = DatasetCatalog.class.getResourceAsStream("datasets/" + file)) {
                assertThat(in).as(file).isNotNull();
                assertThat(new String(in.readAllBytes(), StandardCharsets.UTF_8))
                        .as(file)
                        .isEqualTo(Files.readString(conf.resolve(file)));
            }
        }
        assertThat(DatasetCatalog.load(conf).entries())
                .extracting(CatalogEntry::id)
                .isEqualTo(DatasetCatalog.embedded().entries().stream()
                        .map(CatalogEntry::id)
                        .toList());
    }

    @Test
    void validEntryIsReadField() throws IOException {
        CatalogEntry entry = load(Map.of("sample.yaml", VALID)).find("sample").orElseThrow();
        assertThat(entry.version()).isEqualTo(2);
        assertThat(entry.fps()).isEqualTo(12.5);
        assertThat(entry.fpsText()).isEqualTo("12.5");
        assertThat(entry.egoCameras()).containsExactly("observation.images.wrist");
        assertThat(entry.nativeLabelsWhere()).isEqualTo("sub_task_index column");
        assertThat(entry.seedName()).isNull();
        assertThat(entry.resolveLocation("/data/root")).isEqualTo("file:/data/root/lerobot/sample");
        assertThat(entry.resolveLocation("hdfs://nn:8020/data/")).isEqualTo("hdfs://nn:8020/data/lerobot/sample");
        CatalogEntry auto = load(Map.of("sample.yaml", VALID.replace("fps: 12.5", "fps: auto")))
                .find("sample")
                .orElseThrow();
        assertThat(auto.declaredFps()).isEmpty();
        assertThat(auto.fpsText()).isEqualTo("auto");
    }

    @Test
    void badEntriesNameFileKeyAndValue() {
        assertInvalid(
                VALID.replace("format: lerobot-v2.1", "format: lerobot-v9"),
                "key 'format' has value 'lerobot-v9': expected one of lerobot-v2.0, lerobot-v2.1, lerobot-v3.0,"
                        + " agibot-world, hdf5-robomimic, rlds, image-sequence");
        assertInvalid(
                VALID.replace("location: ${PROCVLM_DATA}/lerobot/sample", "location: ${PROCVLM_DATA}/../etc/passwd"),
                "key 'location' has value '${PROCVLM_DATA}/../etc/passwd': '..' segments could leave the data root");
        assertInvalid(
                VALID.replace("location: ${PROCVLM_DATA}/lerobot/sample", "location: lerobot/a/../../.."),
                "'..' segments could leave the data root");
        assertInvalid(
                VALID.replace("location: ${PROCVLM_DATA}/lerobot/sample", "location: /data/lerobot/sample"),
                "key 'location' has value '/data/lerobot/sample': an absolute path or URI is not allowed");
        assertInvalid(
                VALID.replace("location: ${PROCVLM_DATA}/lerobot/sample", "location: hdfs://nn/data/sample"),
                "an absolute path or URI is not allowed");
        assertInvalid(
                VALID.replace("location: ${PROCVLM_DATA}/lerobot/sample", "location: ${PROCVLM_DATA}//etc"),
                "an absolute path is not allowed after ${PROCVLM_DATA}");
        assertInvalid(
                VALID.replace("location: ${PROCVLM_DATA}/lerobot/sample", "location: ${PROCVLM_DATA}/a/./b"),
                "empty or '.' path segments are not allowed");
        assertInvalid(
                VALID.replace("location: ${PROCVLM_DATA}/lerobot/sample", "location: ${HOME}/sample"),
                "unknown variable ${HOME} (known: ${PROCVLM_DATA})");
        assertInvalid(
                VALID.replace("location: ${PROCVLM_DATA}/lerobot/sample", "location: x/${PROCVLM_DATA}"),
                "${PROCVLM_DATA} may only start the template");
        assertInvalid(VALID.replace("license: CC-BY-4.0\n", ""), "required key 'license' is missing");
        assertInvalid(VALID.replace("license: CC-BY-4.0", "license: ''"), "key 'license' has value '\"\"'");
        assertInvalid(VALID.replace("fps: 12.5", "fps: 0"), "key 'fps' has value '0': expected a number > 0");
        assertInvalid(VALID.replace("fps: 12.5", "fps: fast"), "key 'fps' has value 'fast'");
        assertInvalid(VALID.replace("  exo: observation.images.front\n", ""), "required key 'cameras.exo' is missing");
        assertInvalid(VALID.replace("  ego: [observation.images.wrist]\n", ""), "required key 'cameras.ego'");
        assertInvalid(VALID.replace("domain: real", "domain: both"), "key 'domain' has value 'both'");
        assertInvalid(VALID.replace("notes: none known", "notes: x\nlicence: MIT"), "unknown key 'licence'");
        assertInvalid(VALID.replace("inferred: true", "inferred: maybe"), "key 'inferred' has value 'maybe'");
        assertInvalid(VALID.replace("id: sample", "id: other"), "key 'id' has value 'other': the file must be named");
        assertInvalid(VALID.replace("version: 2", "version: 0"), "key 'version' has value '0'");
        assertInvalid("- a\n- b\n", "the top level must be a map of keys");
        assertInvalid(VALID + "  bad: [\n", "not valid YAML");
    }

    @Test
    void duplicateIdsAreRejected() throws IOException {
        assertThatThrownBy(() -> load(Map.of("sample.yaml", VALID, "sample.yml", VALID)))
                .isInstanceOf(PipelineException.class)
                .hasMessageContaining("key 'id' has value 'sample', which")
                .hasMessageContaining("already uses")
                .satisfies(e -> assertThat(((PipelineException) e).errorCode().name())
                        .isEqualTo(CoreErrorCode.CONFIG_CATALOG_INVALID.name()));
    }

    @Test
    void yamlCannotInstantiateClasses() {
        assertInvalid(
                VALID.replace(
                        "name: Sample", "name: !!javax.script.ScriptEngineManager [!!java.net.URLClassLoader []]"),
                "key 'name'");
    }

    @Test
    void unknownIdsGetSuggestions() {
        DatasetCatalog catalog = DatasetCatalog.embedded();
        assertThat(catalog.suggest("dorid")).containsExactly("droid");
        assertThat(catalog.suggest("agibot")).contains("agibot_world_alpha", "agibot_world_beta");
        assertThatThrownBy(() -> catalog.require("dorid", "--datasets"))
                .isInstanceOf(PipelineException.class)
                .hasMessage("Unknown dataset 'dorid' (from --datasets): not in the embedded catalog; did you mean"
                        + " 'droid'?");
        assertThatThrownBy(() -> catalog.require("zzzzzzzzzzzz", "--datasets"))
                .hasMessageContaining("'procvlm catalog' lists the 30 ids");
    }

    @Test
    void selectionResolvesLocationsUnderTheDataRoot() {
        Config config = Config.defaults(ConfigSchema.of(List.of(CoreConfig.properties(), CatalogConfig.properties())));
        DatasetCatalog catalog = DatasetCatalog.embedded();
        assertThatThrownBy(() -> CatalogConfig.select(config, catalog, List.of("droid"), "--datasets", name -> null))
                .hasMessageContaining("No data root for catalog datasets: set configuration key 'catalog.data-root'");
        List<DatasetSpec> fromEnvironment = CatalogConfig.select(
                config,
                catalog,
                List.of("droid", "agibot_world_alpha", "droid", "rh20t_cfg1"),
                "--datasets",
                name -> name.equals("PROCVLM_DATA") ? "/mnt/data" : null);
        assertThat(fromEnvironment)
                .containsExactly(
                        new DatasetSpec(
                                "file:/mnt/data/droid_1.0.1_lerobot",
                                "lerobot",
                                "droid",
                                "observation.images.exterior_1_left"),
                        new DatasetSpec(
                                "file:/mnt/data/agibot_world/AgiBotWorld-Alpha",
                                "agibot-world",
                                "agibot_world_alpha",
                                "head_color"),
                        new DatasetSpec("file:/mnt/data/RH20T_cfg1_lerobot", "lerobot", "rh20t_cfg1", null));
        Config configured = config.with(CatalogConfig.DATA_ROOT, "/srv/robots", "--set")
                .with(CoreConfig.CAMERA_MAP + ".droid", "observation.images.wrist_left", "--set");
        assertThat(CatalogConfig.select(configured, catalog, List.of("droid"), "--datasets", name -> "/ignored"))
                .containsExactly(new DatasetSpec("file:/srv/robots/droid_1.0.1_lerobot", "lerobot", "droid", null));
    }

    @Test
    void locationTemplatesStayInsideTheRoot() {
        assertThat(LocationTemplate.parse("${PROCVLM_DATA}/a/b", "t").relative())
                .isEqualTo("a/b");
        assertThat(LocationTemplate.parse("a/b", "t").resolve(directory.toString()))
                .isEqualTo("file:" + directory + "/a/b");
        assertThatThrownBy(() -> LocationTemplate.parse("${PROCVLM_DATA}", "t"))
                .hasMessageContaining("names the data root itself");
        assertThatThrownBy(() -> LocationTemplate.parse("C:/data", "t")).hasMessageContaining("absolute path or URI");
        assertThatThrownBy(() -> LocationTemplate.parse("~/data", "t")).hasMessageContaining("absolute path or URI");
        assertThatThrownBy(() -> LocationTemplate.parse("a\\..\\..\\b", "t")).hasMessageContaining("'\\'");
        assertThatThrownBy(() -> new LocationTemplate("../x").resolve(directory.toString()))
                .hasMessageContaining("outside the data root");
    }

    @Test
    void folderSettingMustExist() {
        assertThatThrownBy(() -> DatasetCatalog.load(directory.resolve("absent").toString()))
                .hasMessageContaining("for configuration key 'catalog.folder': no such folder");
        assertThat(DatasetCatalog.load(CatalogConfig.EMBEDDED).origin()).isEqualTo("embedded");
    }

    private DatasetCatalog load(Map<String, String> files) throws IOException {
        Path folder = Files.createTempDirectory(directory, "catalog");
        for (Map.Entry<String, String> file : files.entrySet()) {
            Files.writeString(folder.resolve(file.getKey()), file.getValue());
        }
        return DatasetCatalog.load(folder);
    }

    private void assertInvalid(String yaml, String message) {
        assertThatThrownBy(() -> load(Map.of("sample.yaml", yaml)))
                .isInstanceOf(PipelineException.class)
                .hasMessageContaining("Invalid catalog entry ")
                .hasMessageContaining("sample.yaml")
                .hasMessageContaining(message)
                .satisfies(e -> assertThat(((PipelineException) e).errorCode().name())
                        .isEqualTo(CoreErrorCode.CONFIG_CATALOG_INVALID.name()));
    }
}
