package dev.quail.persistence;
