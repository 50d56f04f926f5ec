"""Signed documents: the sealed PDF records of completed requests (`waivers`), keeping them
provable (`timestamps`), the public verification page (`views`), and `pdf/`, the pure renderer."""
