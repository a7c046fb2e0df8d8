package dev.kvmigrate.cli;

/** {@code -o} values: tables for people, JSON and YAML stable for scripts. */
enum OutputFormat {
    table,
    json,
    yaml
}
