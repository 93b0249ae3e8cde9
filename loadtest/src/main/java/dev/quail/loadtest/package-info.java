package dev.quail.loadtest;
