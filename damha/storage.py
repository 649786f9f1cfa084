from whitenoise.storage import CompressedManifestStaticFilesStorage


class SRISafeManifestStaticFilesStorage(CompressedManifestStaticFilesStorage):
    """Manifest storage that leaves JavaScript bytes alone.

    The default patterns rewrite ``sourceMappingURL`` comments in ``*.js`` files, which
    changes the bytes of vendored libraries and breaks their Subresource Integrity
    hashes (TOOLING.md). CSS references are still rewritten.
    """

    patterns = tuple((ext, rules) for ext, rules in CompressedManifestStaticFilesStorage.patterns if ext != "*.js")
    manifest_strict = False
