/**
 * qmail-local's rules as pure functions (QMAIL-REFERENCE §6, §7.1): the .qmail file format
 * ({@link dev.quail.config.dotqmail.DotQmailFile}), the extension-file search
 * ({@link dev.quail.config.dotqmail.ExtensionSearch}), the forward sender of mailing lists
 * ({@link dev.quail.config.dotqmail.NewSender}), the lines qmail-local adds
 * ({@link dev.quail.config.dotqmail.DeliveryLines}), a program's environment
 * ({@link dev.quail.config.dotqmail.ProgramEnvironment}) and exit codes
 * ({@link dev.quail.config.dotqmail.ProgramExit}). No file is read here: the engine's local delivery supplies
 * what it found on disk.
 */
package dev.quail.config.dotqmail;
