package io.procvlm.core.episode;

import static java.util.Objects.requireNonNull;

import io.procvlm.core.io.DatasetFiles;
import io.procvlm.core.io.Fingerprints;
import io.procvlm.core.model.EpisodeRef;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import java.io.Serializable;
import java.io.UncheckedIOException;
import java.util.HexFormat;
import java.util.Optional;
import java.util.zip.Deflater;
import java.util.zip.DeflaterOutputStream;
import java.util.zip.InflaterInputStream;

/**
 * When the index stage may reuse a previous run's inspection of an episode instead of reading it again: the reuse key
 * hashes everything an inspection depends on (the code, the inspection settings, the dataset's snapshot, the episode
 * reference, and the size and modification time of the episode's data file and video). Computing it costs two
 * {@code stat} calls; no file is opened.
 *
 * <p>Only LeRobot episodes are reused: their inspection reads the data file, the video and the dataset's {@code meta/}
 * (the snapshot hashes it), nothing else. Other formats read files the key does not cover and are always inspected.
 */
public final class InspectionReuse {
    /** Changes when what the key covers changes. */
    static final String VERSION = "index-reuse-2";

    private InspectionReuse() {}

    /**
     * The episode's reuse key, or empty when its inspection is never reused.
     *
     * @param code a fingerprint of the code the index stage runs
     * @param snapshot the dataset's snapshot identity (its {@code meta/} files)
     */
    public static Optional<String> key(String code, InspectionConfig config, String snapshot, EpisodeRef ref) {
        requireNonNull(code, "code is null");
        requireNonNull(config, "config is null");
        requireNonNull(snapshot, "snapshot is null");
        requireNonNull(ref, "ref is null");
        if (!ref.format().isLeRobot()) {
            return Optional.empty();
        }
        DatasetFiles files = DatasetFiles.at(ref.datasetRoot());
        return Optional.of(Fingerprints.ofParts(
                VERSION,
                code,
                HexFormat.of().formatHex(serialize(config)),
                snapshot,
                Fingerprints.ofBytes(serialize(ref)),
                ref.data().file(),
                files.stat(ref.data().file()),
                ref.videoSegment().map(video -> video.path()).orElse("-"),
                ref.videoSegment().map(video -> files.stat(video.path())).orElse("-")));
    }

    /** Java serialization of a value (what the reuse key hashes). */
    public static byte[] serialize(Serializable value) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (ObjectOutputStream out = new ObjectOutputStream(bytes)) {
            out.writeObject(value);
        } catch (IOException e) {
            throw new UncheckedIOException(
                    "Cannot serialize " + value.getClass().getName(), e);
        }
        return bytes.toByteArray();
    }

    /**
     * The inspection as bytes to keep: Java serialization, deflated. Each inspection is its own stream, so most of its
     * raw bytes are class descriptors and names that repeat from one episode to the next; deflated they take about half the
     * room in the driver (which holds the kept inspections of every episode while the index stage runs) and in the
     * index stage's tasks.
     */
    public static byte[] keep(EpisodeInspection inspection) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        Deflater deflater = new Deflater(Deflater.BEST_SPEED);
        try (ObjectOutputStream out = new ObjectOutputStream(new DeflaterOutputStream(bytes, deflater))) {
            out.writeObject(inspection);
        } catch (IOException e) {
            throw new UncheckedIOException(
                    "Cannot serialize the inspection of " + inspection.ref().key(), e);
        } finally {
            deflater.end();
        }
        return bytes.toByteArray();
    }

    /** A kept inspection, or empty when the bytes are not one this code can read (they are then inspected again). */
    public static Optional<EpisodeInspection> inspection(byte[] bytes) {
        if (bytes == null) {
            return Optional.empty();
        }
        try (ObjectInputStream in = new ObjectInputStream(new InflaterInputStream(new ByteArrayInputStream(bytes)))) {
            return in.readObject() instanceof EpisodeInspection inspection ? Optional.of(inspection) : Optional.empty();
        } catch (IOException | ClassNotFoundException | RuntimeException e) {
            return Optional.empty(); // written by other code (InvalidClassException), or damaged
        }
    }
}
