/** App settings kept in the app plugin's jsonData (the shell only; the app's pages are a separate issue). */
export interface AppSettings {
  /** UID of the Ballast data source the app's pages query. */
  datasourceUid?: string;
}
