/**
 * The record schemas and enums live in the contract package (exporter/contract), shared with the
 * plugins; this module re-exports them so the exporter's domain keeps one import path.
 */
export * from '@ballast/contract/records';
