package dev.quail.config;
