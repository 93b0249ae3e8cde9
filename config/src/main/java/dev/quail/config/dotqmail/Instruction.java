/*
 * One line of a .qmail file that does something (DQ-11). Comments and unknown `+` lines are dropped by the
 * parser; `+list` stays, as {@link ForwardOnly}, because it changes what the lines after it may do (DQ-04).
 */
package dev.quail.config.dotqmail;

public sealed interface Instruction {

    /** `|command`: run by `sh -c` in the home directory; {@code command} is the text after the '|'. */
    record Program(String command) implements Instruction {}

    /** `./file` or `/file` not ending in '/': append to an mbox file; {@code path} is the whole line. */
    record Mbox(String path) implements Instruction {}

    /** `./dir/` or `/dir/`: deliver into a maildir; {@code path} is the whole line, final '/' included. */
    record Maildir(String path) implements Instruction {}

    /** `&address` or a bare address: forward; the address is used literally (no `<>`, comment or space stripping). */
    record Forward(String address) implements Instruction {}

    /** `+list`: from here on only forwards are allowed, as if the file had its owner-execute bit set. */
    record ForwardOnly() implements Instruction {}
}
