/*
 * SmtpClient: the peer as seen from the socket (TCPREMOTEIP, TCPREMOTEPORT, TCPLOCALIP in
 * qmail's ucspi-tcp environment). The remote IP appears in the Received line (SMTP-40).
 */
package dev.quail.protocols.smtp;

public record SmtpClient(String remoteIp, int remotePort, String localIp) {}
