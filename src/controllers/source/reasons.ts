/**
 * Condition types and reasons of the source controller, as Flux's source-controller names them; shared
 * by conditions and events.
 */

/** Source condition types (beyond Ready/Reconciling/Stalled). */
export const SourceCondition = {
  ArtifactInStorage: 'ArtifactInStorage',
  ArtifactOutdated: 'ArtifactOutdated',
  FetchFailed: 'FetchFailed',
  BuildFailed: 'BuildFailed',
  StorageOperationFailed: 'StorageOperationFailed',
  IncludeUnavailable: 'IncludeUnavailable',
  SourceVerified: 'SourceVerified',
} as const;

/** Source reasons. */
export const SourceReason = {
  Succeeded: 'Succeeded',
  GitOperationSucceeded: 'GitOperationSucceeded',
  GitOperationFailed: 'GitOperationFailed',
  AuthenticationFailed: 'AuthenticationFailed',
  URLInvalid: 'URLInvalid',
  InvalidPath: 'InvalidPath',
  NewRevision: 'NewRevision',
  NoArtifact: 'NoArtifact',
  NotFound: 'NotFound',
  DirectoryCreationFailed: 'DirectoryCreationFailed',
  StatOperationFailed: 'StatOperationFailed',
  ReadOperationFailed: 'ReadOperationFailed',
  AcquireLockFailed: 'AcquireLockFailed',
  ArchiveOperationFailed: 'ArchiveOperationFailed',
  ArtifactUpToDate: 'ArtifactUpToDate',
  NewArtifact: 'NewArtifact',
  UnsupportedConfiguration: 'UnsupportedConfiguration',
} as const;

/** Flux's finalizer on source objects. */
export const sourceFinalizer = 'finalizers.fluxcd.io';

/** The controller name: field manager, event reporter, log field. */
export const sourceControllerName = 'source-controller';
