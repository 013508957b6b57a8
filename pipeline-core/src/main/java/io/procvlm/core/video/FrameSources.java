package io.procvlm.core.video;

import io.procvlm.core.dataset.EpisodeReader;
import io.procvlm.core.io.DatasetFiles;
import io.procvlm.core.model.CameraStorage;
import io.procvlm.core.model.EpisodeRef;

/** Opening an episode's frames in {@link PixelMode#GRAY_AND_BGR} whatever its storage. */
public final class FrameSources {
    private FrameSources() {}

    /**
     * The episode's frames as luma with the same frame in BGR beside it. Video is decoded once (the reader passes the
     * mode to the FFmpeg source, which converts each raw frame both ways); frames stored as images are read by two
     * sources stepped together ({@link PairedFrameSource}), so each mode's pixels are exactly what that mode alone gives.
     */
    public static FrameSource openWithColor(
            EpisodeReader reader, DatasetFiles files, EpisodeRef ref, int decoderThreads, Av1Decoder av1Decoder) {
        if (ref.camera().storage() == CameraStorage.VIDEO) {
            return reader.openFrames(files, ref, decoderThreads, PixelMode.GRAY_AND_BGR, av1Decoder);
        }
        FrameSource gray = reader.openFrames(files, ref, decoderThreads, PixelMode.GRAY, av1Decoder);
        try {
            return new PairedFrameSource(
                    gray, reader.openFrames(files, ref, decoderThreads, PixelMode.BGR, av1Decoder));
        } catch (RuntimeException e) {
            gray.close();
            throw e;
        }
    }
}
