package io.procvlm.core.video;

import java.util.Iterator;

/**
 * An episode's frame images in frame order: decoded from its video ({@link EpisodeImages}) or read from the features
 * stage's images table ({@link io.procvlm.core.images.FeatureImages#read}).
 */
public interface ImageStream extends Iterator<EpisodeImages.Image>, AutoCloseable {
    @Override
    void close();
}
