// Package durable flushes what a command wrote outside a database to the disk.
package durable
