package dev.quail.protocols;
