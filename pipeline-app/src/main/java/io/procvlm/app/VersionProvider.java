package io.procvlm.app;

import io.procvlm.core.Versions;
import io.procvlm.core.spark.SparkSessions;
import picocli.CommandLine.IVersionProvider;

/** {@code --version}: the pipeline's version and the versions of the engines it carries. */
public final class VersionProvider implements IVersionProvider {
    @Override
    public String[] getVersion() {
        return new String[] {
            "procvlm " + Versions.pipeline(),
            "Spark " + SparkSessions.sparkVersion() + ", Java " + System.getProperty("java.version") + ", JavaCV "
                    + org.bytedeco.javacv.FFmpegFrameGrabber.class.getPackage().getImplementationVersion()
        };
    }
}
