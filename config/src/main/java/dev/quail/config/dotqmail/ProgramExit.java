/*
 * What a `|program` line's exit code means (QMAIL-REFERENCE DQ-31): 0 success; 99 success and skip the
 * rest of the file (forwards collected above it still go out); 100 and the sysexits 64, 65, 70, 76, 77, 78
 * and 112 permanent; everything else temporary ("temporary unless proven permanent").
 */
package dev.quail.config.dotqmail;

public enum ProgramExit {
    SUCCESS, SUCCESS_STOP, PERMANENT, TEMPORARY;

    public static ProgramExit of(int code) {
        return switch (code) {
            case 0 -> SUCCESS;
            case 99 -> SUCCESS_STOP;
            case 100, 64, 65, 70, 76, 77, 78, 112 -> PERMANENT;
            default -> TEMPORARY;
        };
    }
}
