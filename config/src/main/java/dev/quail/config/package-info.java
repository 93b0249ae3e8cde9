/**
 * quail-config: the model of a Quail home's settings, read with qmail's rules. {@link dev.quail.config.Control}
 * (control/*), {@link dev.quail.config.UsersAssign} (users/assign), {@link dev.quail.config.Rewriter} (envelope
 * recipient rewriting), {@link dev.quail.config.RelayPolicy} (RCPT acceptance), {@link dev.quail.config.Settings}
 * (the one table of every setting). Pure Java; every other module reads its configuration through here.
 */
package dev.quail.config;
