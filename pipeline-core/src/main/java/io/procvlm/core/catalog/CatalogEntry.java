package io.procvlm.core.catalog;

import static java.util.Objects.requireNonNull;

import java.util.List;
import java.util.Optional;

/**
 * One source dataset of the catalog ({@code conf/datasets/<id>.yaml}), validated.
 *
 * @param id the dataset id used in {@code --datasets} and in every output row
 * @param version the version of this entry (bumped when the entry changes meaning)
 * @param name a readable name
 * @param format a catalog format id ({@link DatasetCatalog#FORMATS})
 * @param location the location template, e.g. {@code ${PROCVLM_DATA}/droid_1.0.1_lerobot}
 * @param upstream where the dataset is published (informational; never fetched), or {@code null}
 * @param seedName the folder name the seed pipeline used, or {@code null} when the seed does not name it
 * @param inferred whether the entry is a candidate the seed does not name
 * @param exoCamera the third-person camera key, or {@code auto} for the camera rules
 * @param egoCameras egocentric / other camera keys (may be empty)
 * @param fps the declared frame rate, or {@code null} for "read it from the dataset's metadata" ({@code auto})
 * @param taskText where the task text comes from
 * @param nativeLabels whether the dataset ships subtask labels
 * @param nativeLabelsWhere where those labels are ({@code none} when absent)
 * @param license the licence as published, or {@code unknown}
 * @param licenseSource where the licence claim comes from
 * @param domain {@code real} or {@code sim}
 * @param embodiment the robot(s)
 * @param notes known quirks
 * @param source the file the entry was read from
 */
public record CatalogEntry(
        String id,
        int version,
        String name,
        String format,
        String location,
        String upstream,
        String seedName,
        boolean inferred,
        String exoCamera,
        List<String> egoCameras,
        Double fps,
        String taskText,
        boolean nativeLabels,
        String nativeLabelsWhere,
        String license,
        String licenseSource,
        String domain,
        String embodiment,
        String notes,
        String source) {
    /** The value of {@code cameras.exo} that leaves the choice to the camera rules. */
    public static final String AUTO = "auto";

    public CatalogEntry {
        requireNonNull(id, "id is null");
        requireNonNull(name, "name is null");
        requireNonNull(format, "format is null");
        requireNonNull(location, "location is null");
        requireNonNull(exoCamera, "exoCamera is null");
        egoCameras = List.copyOf(requireNonNull(egoCameras, "egoCameras is null"));
        requireNonNull(taskText, "taskText is null");
        requireNonNull(nativeLabelsWhere, "nativeLabelsWhere is null");
        requireNonNull(license, "license is null");
        requireNonNull(domain, "domain is null");
        requireNonNull(embodiment, "embodiment is null");
        requireNonNull(notes, "notes is null");
        requireNonNull(source, "source is null");
    }

    /** The exo camera key, or empty when the camera rules choose ({@code auto}). */
    public Optional<String> explicitExoCamera() {
        return exoCamera.equals(AUTO) ? Optional.empty() : Optional.of(exoCamera);
    }

    public Optional<Double> declaredFps() {
        return Optional.ofNullable(fps);
    }

    /** {@code fps} as written: a number or {@code auto}. */
    public String fpsText() {
        if (fps == null) {
            return AUTO;
        }
        return fps == Math.rint(fps) ? Long.toString(fps.longValue()) : fps.toString();
    }

    public boolean isLeRobot() {
        return format.startsWith("lerobot");
    }

    /**
     * The dataset's location under {@code dataRoot}: the template's variables replaced. The result always lies inside
     * the data root ({@link LocationTemplate}).
     */
    public String resolveLocation(String dataRoot) {
        return LocationTemplate.parse(location, source).resolve(dataRoot);
    }
}
