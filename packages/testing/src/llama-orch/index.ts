// Fake server for this platform: filled in by its issue.
export {};
