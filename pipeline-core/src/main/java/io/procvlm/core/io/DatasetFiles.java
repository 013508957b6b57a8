package io.procvlm.core.io;

import static io.procvlm.core.error.CoreErrorCode.STORAGE_IO;
import static java.util.Objects.requireNonNull;

import io.procvlm.core.error.PipelineException;
import java.io.ByteArrayOutputStream;
import java.io.File;
import java.io.FileNotFoundException;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Predicate;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;

/**
 * Files of one dataset, addressed by paths relative to its root, on any Hadoop {@link FileSystem}. Local files are
 * the common case; video decoding needs a local file, which {@link #localCopy} provides on other file systems.
 */
public final class DatasetFiles {
    private final String root;
    private final Path rootPath;
    private final FileSystem fileSystem;

    private DatasetFiles(String root, Path rootPath, FileSystem fileSystem) {
        this.root = root;
        this.rootPath = rootPath;
        this.fileSystem = fileSystem;
    }

    /** Opens the dataset rooted at {@code root} (an absolute location, see {@link Locations#absolute}). */
    public static DatasetFiles at(String root) {
        requireNonNull(root, "root is null");
        Path rootPath = new Path(root);
        try {
            return new DatasetFiles(root, rootPath, rootPath.getFileSystem(HadoopConf.get()));
        } catch (IOException e) {
            throw new PipelineException(STORAGE_IO, "Cannot open file system of " + root + ": " + e.getMessage(), e);
        }
    }

    public String root() {
        return root;
    }

    public boolean rootExists() {
        try {
            return fileSystem.getFileStatus(rootPath).isDirectory();
        } catch (FileNotFoundException e) {
            return false;
        } catch (IOException e) {
            throw io("inspect", "", e);
        }
    }

    public Path path(String relative) {
        return relative.isEmpty() ? rootPath : new Path(rootPath, relative);
    }

    public boolean exists(String relative) {
        try {
            return fileSystem.getFileStatus(path(relative)).isFile();
        } catch (FileNotFoundException e) {
            return false;
        } catch (IOException e) {
            throw io("inspect", relative, e);
        }
    }

    public long size(String relative) throws FileNotFoundException {
        try {
            return fileSystem.getFileStatus(path(relative)).getLen();
        } catch (FileNotFoundException e) {
            throw e;
        } catch (IOException e) {
            throw io("inspect", relative, e);
        }
    }

    /**
     * A file's size and modification time as {@code <bytes>:<millis>}, or {@code missing}: one metadata call, the
     * file is not opened.
     */
    public String stat(String relative) {
        try {
            FileStatus status = fileSystem.getFileStatus(path(relative));
            return status.isFile() ? status.getLen() + ":" + status.getModificationTime() : "not-a-file";
        } catch (FileNotFoundException e) {
            return "missing";
        } catch (IOException e) {
            throw io("inspect", relative, e);
        }
    }

    public InputStream open(String relative) throws IOException {
        return fileSystem.open(path(relative));
    }

    /** Reads a whole (small) file, refusing files larger than {@code maxBytes}. */
    public byte[] readAll(String relative, int maxBytes) throws IOException {
        long size = size(relative);
        if (size > maxBytes) {
            throw new IOException(relative + " is " + size + " bytes, more than the " + maxBytes + " allowed");
        }
        try (InputStream in = open(relative)) {
            ByteArrayOutputStream out = new ByteArrayOutputStream((int) size);
            in.transferTo(out);
            return out.toByteArray();
        }
    }

    /**
     * Lists files below {@code relativeDirectory}, recursively, as paths relative to the root, sorted. A missing
     * directory gives an empty list. Symbolic links that loop back to a folder above them are not followed (see
     * {@link #symlinkLoops}); nothing is listed deeper than 16 folders.
     */
    public List<String> listFiles(String relativeDirectory, Predicate<String> nameFilter) {
        List<String> files = new ArrayList<>();
        try {
            Path directory = path(relativeDirectory);
            if (!fileSystem.exists(directory)) {
                return files;
            }
            collect(directory, relativeDirectory, nameFilter, files, 0, new ArrayList<>());
        } catch (IOException e) {
            throw io("list", relativeDirectory, e);
        }
        files.sort(null);
        return files;
    }

    private void collect(
            Path directory,
            String relative,
            Predicate<String> nameFilter,
            List<String> out,
            int depth,
            List<String> loops)
            throws IOException {
        if (depth > 16) {
            return;
        }
        for (FileStatus status : fileSystem.listStatus(directory)) {
            String name = status.getPath().getName();
            String childRelative = relative.isEmpty() ? name : relative + "/" + name;
            if (status.isDirectory()) {
                String loop = loop(directory, status.getPath(), childRelative);
                if (loop != null) {
                    loops.add(loop);
                } else {
                    collect(status.getPath(), childRelative, nameFilter, out, depth + 1, loops);
                }
            } else if (nameFilter.test(name)) {
                out.add(childRelative);
            }
        }
    }

    /**
     * The symbolic links below {@code relativeDirectory} that lead back to a folder above them (each described in a
     * sentence); {@link #listFiles} does not follow them.
     */
    public List<String> symlinkLoops(String relativeDirectory) {
        List<String> loops = new ArrayList<>();
        try {
            Path directory = path(relativeDirectory);
            if (fileSystem.exists(directory)) {
                collect(directory, relativeDirectory, name -> false, new ArrayList<>(), 0, loops);
            }
        } catch (IOException e) {
            throw io("list", relativeDirectory, e);
        }
        return loops;
    }

    /**
     * Lists the folders directly inside {@code relativeDirectory} (not recursive), as paths relative to the root,
     * sorted. A missing directory gives an empty list.
     */
    public List<String> listFolders(String relativeDirectory) {
        List<String> folders = new ArrayList<>();
        try {
            Path directory = path(relativeDirectory);
            if (!fileSystem.exists(directory)) {
                return folders;
            }
            for (FileStatus status : fileSystem.listStatus(directory)) {
                if (status.isDirectory()) {
                    String name = status.getPath().getName();
                    folders.add(relativeDirectory.isEmpty() ? name : relativeDirectory + "/" + name);
                }
            }
        } catch (IOException e) {
            throw io("list", relativeDirectory, e);
        }
        folders.sort(null);
        return folders;
    }

    /**
     * On a local file system, a folder reached through a symbolic link that leads back to a folder above it (or to
     * itself) would be listed again and again: such a link is described (and not followed), else null.
     */
    private String loop(Path parent, Path child, String childRelative) {
        if (!isLocal()) {
            return null;
        }
        java.nio.file.Path local = java.nio.file.Path.of(child.toUri().getPath());
        if (!java.nio.file.Files.isSymbolicLink(local)) {
            return null;
        }
        try {
            java.nio.file.Path target = local.toRealPath();
            java.nio.file.Path above =
                    java.nio.file.Path.of(parent.toUri().getPath()).toRealPath();
            return above.startsWith(target)
                    ? childRelative + " is a symbolic link to " + target + ", a folder above it (a loop)"
                    : null;
        } catch (IOException e) {
            return childRelative + " is a symbolic link that cannot be resolved: " + e.getMessage();
        }
    }

    /** Whether the files are on the local file system (FFmpeg reads them directly). */
    public boolean isLocal() {
        return "file".equals(fileSystem.getUri().getScheme());
    }

    /** The local file behind {@code relative}; fails for non-local file systems (see {@link #localCopy}). */
    public File localFile(String relative) {
        if (!isLocal()) {
            throw new PipelineException(
                    STORAGE_IO,
                    "Cannot decode " + path(relative) + ": video decoding reads local files only, and "
                            + fileSystem.getUri().getScheme() + ":// is not local");
        }
        return Locations.localFile(path(relative).toUri().getPath());
    }

    /**
     * A local file with the content of {@code relative}, for readers that need a seekable local file (FFmpeg). On the
     * local file system it is the file itself; on any other file system (hdfs://, s3a://) the file is copied into a
     * new temporary file under {@code java.io.tmpdir} (on a Spark executor: its working directory's temp folder),
     * which {@link LocalCopy#close()} deletes.
     */
    public LocalCopy localCopy(String relative) {
        if (isLocal()) {
            return new LocalCopy(localFile(relative), false);
        }
        String name = path(relative).getName();
        int dot = name.lastIndexOf('.');
        String suffix = dot > 0 ? name.substring(dot) : ".bin";
        java.nio.file.Path temporary = null;
        try {
            temporary = java.nio.file.Files.createTempFile("procvlm-", suffix);
            try (InputStream in = fileSystem.open(path(relative));
                    java.io.OutputStream out = java.nio.file.Files.newOutputStream(temporary)) {
                in.transferTo(out);
            }
            return new LocalCopy(temporary.toFile(), true);
        } catch (IOException e) {
            if (temporary != null) {
                temporary.toFile().delete();
            }
            throw io("copy to a local file", relative, e);
        }
    }

    /**
     * A local file standing for a dataset file; {@code temporary} copies are deleted by {@link #close()}.
     *
     * @param file the local file
     * @param temporary whether {@code file} is a copy owned by this object
     */
    public record LocalCopy(File file, boolean temporary) implements AutoCloseable {
        public LocalCopy {
            requireNonNull(file, "file is null");
        }

        @Override
        public void close() {
            if (temporary) {
                try {
                    java.nio.file.Files.deleteIfExists(file.toPath());
                } catch (IOException e) {
                    file.deleteOnExit();
                }
            }
        }
    }

    private PipelineException io(String action, String relative, IOException e) {
        return new PipelineException(STORAGE_IO, "Cannot " + action + " " + path(relative) + ": " + e.getMessage(), e);
    }
}
