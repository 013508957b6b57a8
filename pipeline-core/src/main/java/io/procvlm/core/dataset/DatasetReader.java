package io.procvlm.core.dataset;

import io.procvlm.core.io.DatasetFiles;
import io.procvlm.core.model.DatasetFormat;
import io.procvlm.core.model.DatasetId;
import java.util.List;
import java.util.Optional;

/**
 * One on-disk dataset format family read in place: how to recognise it from its files, how to scan its metadata into
 * {@link io.procvlm.core.model.EpisodeRef}s (never decoding frames), and the {@link EpisodeReader} that reads one
 * episode's rows, frames and native labels inside a task. Implementations are stateless; they are registered in
 * {@link DatasetReaders}.
 */
public interface DatasetReader {
    /** The family name accepted as a dataset {@code format} besides the exact format ids, e.g. {@code lerobot}. */
    String family();

    /** The format ids this reader produces, in the order documented. */
    List<DatasetFormat> formats();

    /** What the format can carry. */
    ReaderCapabilities capabilities();

    /**
     * The exact format when the files at the dataset root mark this family (cheap: metadata file names and small
     * metadata files only), or empty.
     */
    Optional<DatasetFormat> detect(DatasetFiles files);

    /**
     * Reads the dataset's metadata. Episode-level problems are recorded on the episode references; only a dataset that
     * cannot be read at all throws.
     *
     * @param explicitCamera the camera named in the dataset's config entry, or {@code null}
     * @throws io.procvlm.core.error.PipelineException with a user error code when the dataset cannot be read
     */
    DatasetScan scan(DatasetId id, DatasetFiles files, String explicitCamera, CameraRules rules);

    /**
     * The dataset's own name when its folder's name does not say it (e.g. a TFDS version folder {@code 1.0.0} named by
     * its {@code dataset_info.json}), or empty to use the folder's name. Used only when the dataset entry names no id.
     */
    default Optional<String> datasetName(DatasetFiles files, String folderName) {
        return Optional.empty();
    }

    /** Reads episodes of this reader's formats inside Spark tasks. */
    EpisodeReader episodes();
}
