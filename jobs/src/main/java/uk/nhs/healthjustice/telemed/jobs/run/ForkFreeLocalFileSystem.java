package uk.nhs.healthjustice.telemed.jobs.run;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.attribute.PosixFilePermissions;
import org.apache.hadoop.fs.LocalFileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.hadoop.fs.RawLocalFileSystem;
import org.apache.hadoop.fs.permission.FsPermission;

/**
 * Hadoop's checksummed local file system, setting permissions through {@code java.nio} instead of a
 * {@code chmod} child process. Without Hadoop's native library (Maven Central does not ship it), every
 * file and directory Spark creates on a local disk forks a process: a night partitioned by load date writes
 * thousands of them, and the forks were half of a backfill's time on a 2-core machine. Files, checksums and
 * permissions are the same as with the stock class; a sticky bit, which {@code java.nio} cannot set, still
 * goes through Hadoop's own code. Installed for local masters by {@link SparkSessions}
 * ({@code spark.hadoop.fs.file.impl}).
 */
public final class ForkFreeLocalFileSystem extends LocalFileSystem {

    public ForkFreeLocalFileSystem() {
        super(new Raw());
    }

    static final class Raw extends RawLocalFileSystem {
        @Override
        public void setPermission(Path p, FsPermission permission) throws IOException {
            java.nio.file.Path file = pathToFile(p).toPath();
            if (permission.getStickyBit()
                    || !file.getFileSystem().supportedFileAttributeViews().contains("posix")) {
                super.setPermission(p, permission);
                return;
            }
            Files.setPosixFilePermissions(file, PosixFilePermissions.fromString(permission.getUserAction().SYMBOL
                    + permission.getGroupAction().SYMBOL + permission.getOtherAction().SYMBOL));
        }
    }
}
