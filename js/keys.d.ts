/**
 * keyvault-keys-wasm/keys: a drop-in for `@azure/keyvault-keys` (4.10): `KeyClient` for
 * cryptographic keys and `CryptographyClient`. This file is checked against the official types
 * in both directions (tests/types/keys.mts).
 */
import type { TokenCredential, TokenProvider } from "./index.js";
import type {
  DeletionRecoveryLevel,
  OperationOptions,
  PagedAsyncIterableIterator,
  PollerLike,
  PollOperationState,
  SecretClientOptions,
} from "./secrets.js";

export type {
  AbortSignalLike,
  AzureLogger,
  Debugger,
  DeletionRecoveryLevel,
  OperationOptions,
  PagedAsyncIterableIterator,
  PageSettings,
  PollerLike,
  PollOperationState,
  RestErrorRequest,
  RestErrorResponse,
} from "./secrets.js";
export { isRestError, KnownDeletionRecoveryLevel, logger, RestError } from "./secrets.js";

/** The client options: those of the secrets drop-in (the same pipeline). */
export interface KeyClientOptions extends SecretClientOptions {}
export interface CryptographyClientOptions extends KeyClientOptions {}

/** `RSA`, `RSA-HSM`, `EC`, `EC-HSM`, `oct`, `oct-HSM`; any string the service sends. */
export type KeyType = string;
export declare enum KnownKeyTypes {
  EC = "EC",
  ECHSM = "EC-HSM",
  RSA = "RSA",
  RSAHSM = "RSA-HSM",
  Oct = "oct",
  OctHSM = "oct-HSM",
}
export type KeyOperation = string;
export declare enum KnownKeyOperations {
  Encrypt = "encrypt",
  Decrypt = "decrypt",
  Sign = "sign",
  Verify = "verify",
  WrapKey = "wrapKey",
  UnwrapKey = "unwrapKey",
  Import = "import",
}
export type KeyCurveName = string;
export declare enum KnownKeyCurveNames {
  P256 = "P-256",
  P384 = "P-384",
  P521 = "P-521",
  P256K = "P-256K",
}
export type SignatureAlgorithm = string;
export declare enum KnownSignatureAlgorithms {
  PS256 = "PS256",
  PS384 = "PS384",
  PS512 = "PS512",
  RS256 = "RS256",
  RS384 = "RS384",
  RS512 = "RS512",
  HS256 = "HS256",
  HS384 = "HS384",
  HS512 = "HS512",
  Rsnull = "RSNULL",
  ES256 = "ES256",
  ES384 = "ES384",
  ES512 = "ES512",
  ES256K = "ES256K",
}
export type EncryptionAlgorithm = string;
export declare enum KnownEncryptionAlgorithms {
  RSAOaep = "RSA-OAEP",
  RSAOaep256 = "RSA-OAEP-256",
  RSA15 = "RSA1_5",
  A128GCM = "A128GCM",
  A192GCM = "A192GCM",
  A256GCM = "A256GCM",
  A128KW = "A128KW",
  A192KW = "A192KW",
  A256KW = "A256KW",
  A128CBC = "A128CBC",
  A192CBC = "A192CBC",
  A256CBC = "A256CBC",
  A128Cbcpad = "A128CBCPAD",
  A192Cbcpad = "A192CBCPAD",
  A256Cbcpad = "A256CBCPAD",
  CkmAesKeyWrap = "CKM_AES_KEY_WRAP",
  CkmAesKeyWrapPad = "CKM_AES_KEY_WRAP_PAD",
}
/** How `releaseKey` wraps the released key. */
export type KeyExportEncryptionAlgorithm = string;
export declare enum KnownKeyExportEncryptionAlgorithm {
  CkmRsaAesKeyWrap = "CKM_RSA_AES_KEY_WRAP",
  RsaAesKeyWrap256 = "RSA_AES_KEY_WRAP_256",
  RsaAesKeyWrap384 = "RSA_AES_KEY_WRAP_384",
}
export type KeyWrapAlgorithm = "A128KW" | "A192KW" | "A256KW" | "RSA-OAEP" | "RSA-OAEP-256" | "RSA1_5" | "CKM_AES_KEY_WRAP" | "CKM_AES_KEY_WRAP_PAD";

/** A key as JSON Web Key (RFC 7517), its material as bytes. Only public parts come back from the service. */
export interface JsonWebKey {
  kid?: string;
  kty?: KeyType;
  keyOps?: KeyOperation[];
  n?: Uint8Array;
  e?: Uint8Array;
  d?: Uint8Array;
  dp?: Uint8Array;
  dq?: Uint8Array;
  qi?: Uint8Array;
  p?: Uint8Array;
  q?: Uint8Array;
  k?: Uint8Array;
  /** The protected key of "Bring Your Own Key" (`key_hsm` on the wire). */
  t?: Uint8Array;
  crv?: KeyCurveName;
  x?: Uint8Array;
  y?: Uint8Array;
}

export interface KeyReleasePolicy {
  contentType?: string;
  /** The policy document's bytes. */
  encodedPolicy?: Uint8Array;
  immutable?: boolean;
}

export interface KeyAttestation {
  certificatePemFile?: Uint8Array;
  privateKeyAttestation?: Uint8Array;
  publicKeyAttestation?: Uint8Array;
  version?: string;
}

export interface KeyProperties {
  id?: string;
  name: string;
  vaultUrl: string;
  version?: string;
  enabled?: boolean;
  notBefore?: Date;
  expiresOn?: Date;
  tags?: { [propertyName: string]: string };
  readonly createdOn?: Date;
  readonly updatedOn?: Date;
  readonly recoveryLevel?: DeletionRecoveryLevel;
  recoverableDays?: number;
  readonly managed?: boolean;
  exportable?: boolean;
  releasePolicy?: KeyReleasePolicy;
  readonly hsmPlatform?: string;
  attestation?: KeyAttestation;
}

export interface KeyVaultKey {
  key?: JsonWebKey;
  name: string;
  id?: string;
  keyType?: KeyType;
  keyOperations?: KeyOperation[];
  properties: KeyProperties;
}

export interface DeletedKey {
  key?: JsonWebKey;
  name: string;
  id?: string;
  keyType?: KeyType;
  keyOperations?: KeyOperation[];
  properties: KeyProperties & { readonly recoveryId?: string; readonly scheduledPurgeDate?: Date; deletedOn?: Date };
}

export interface CreateKeyOptions extends OperationOptions {
  tags?: { [propertyName: string]: string };
  keyOps?: KeyOperation[];
  enabled?: boolean;
  notBefore?: Date;
  readonly expiresOn?: Date;
  /** RSA: 2048, 3072 or 4096; oct: 128, 192 or 256. */
  keySize?: number;
  curve?: KeyCurveName;
  /** Create the `-HSM` type. */
  hsm?: boolean;
  exportable?: boolean;
  releasePolicy?: KeyReleasePolicy;
}
export interface CreateEcKeyOptions extends CreateKeyOptions {}
export interface CreateRsaKeyOptions extends CreateKeyOptions {
  publicExponent?: number;
}
export interface CreateOctKeyOptions extends CreateKeyOptions {}

export interface ImportKeyOptions extends OperationOptions {
  tags?: { [propertyName: string]: string };
  hardwareProtected?: boolean;
  enabled?: boolean;
  notBefore?: Date;
  expiresOn?: Date;
  exportable?: boolean;
  releasePolicy?: KeyReleasePolicy;
}

export interface UpdateKeyPropertiesOptions extends OperationOptions {
  keyOps?: KeyOperation[];
  enabled?: boolean;
  notBefore?: Date;
  expiresOn?: Date;
  tags?: { [propertyName: string]: string };
  releasePolicy?: KeyReleasePolicy;
}

export interface GetKeyOptions extends OperationOptions {
  version?: string;
}
export interface GetKeyAttestationOptions extends OperationOptions {
  version?: string;
}
export interface KeyPollerOptions extends OperationOptions {
  intervalInMs?: number;
  resumeFrom?: string;
}
export interface BeginDeleteKeyOptions extends KeyPollerOptions {}
export interface BeginRecoverDeletedKeyOptions extends KeyPollerOptions {}
export interface ListPropertiesOfKeysOptions extends OperationOptions {}
export interface ListPropertiesOfKeyVersionsOptions extends OperationOptions {}
export interface ListDeletedKeysOptions extends OperationOptions {}
export interface GetDeletedKeyOptions extends OperationOptions {}
export interface PurgeDeletedKeyOptions extends OperationOptions {}
export interface BackupKeyOptions extends OperationOptions {}
export interface RestoreKeyBackupOptions extends OperationOptions {}
export interface GetRandomBytesOptions extends OperationOptions {}
export interface RotateKeyOptions extends OperationOptions {}
export interface GetKeyRotationPolicyOptions extends OperationOptions {}
export interface UpdateKeyRotationPolicyOptions extends OperationOptions {}
export interface CryptographyOptions extends OperationOptions {}

export interface ReleaseKeyOptions extends OperationOptions {
  nonce?: string;
  algorithm?: KeyExportEncryptionAlgorithm;
  version?: string;
}
export interface ReleaseKeyResult {
  /** The service's signed release token. */
  value: string;
}

export interface GetCryptographyClientOptions {
  keyVersion?: string;
}

export type KeyRotationPolicyAction = "Rotate" | "Notify";
export interface KeyRotationLifetimeAction {
  timeAfterCreate?: string;
  timeBeforeExpiry?: string;
  action: KeyRotationPolicyAction;
}
export interface KeyRotationPolicyProperties {
  /** ISO-8601 duration: how long each new version lives. */
  expiresIn?: string;
  lifetimeActions?: KeyRotationLifetimeAction[];
}
export interface KeyRotationPolicy extends KeyRotationPolicyProperties {
  readonly id?: string;
  readonly createdOn?: Date;
  readonly updatedOn?: Date;
}

export interface EncryptResult {
  result: Uint8Array;
  algorithm: EncryptionAlgorithm;
  keyID?: string;
  iv?: Uint8Array;
  authenticationTag?: Uint8Array;
  additionalAuthenticatedData?: Uint8Array;
}
export interface DecryptResult {
  result: Uint8Array;
  keyID?: string;
  algorithm: EncryptionAlgorithm;
}
export interface WrapResult {
  result: Uint8Array;
  keyID?: string;
  algorithm: KeyWrapAlgorithm;
}
export interface UnwrapResult {
  result: Uint8Array;
  keyID?: string;
  algorithm: KeyWrapAlgorithm;
}
export interface SignResult {
  result: Uint8Array;
  keyID?: string;
  algorithm: SignatureAlgorithm;
}
export interface VerifyResult {
  result: boolean;
  keyID?: string;
}
export interface EncryptOptions extends CryptographyOptions {}
export interface DecryptOptions extends CryptographyOptions {}
export interface SignOptions extends CryptographyOptions {}
export interface VerifyOptions extends CryptographyOptions {}
export interface VerifyDataOptions extends CryptographyOptions {}
export interface WrapKeyOptions extends CryptographyOptions {}
export interface UnwrapKeyOptions extends CryptographyOptions {}

export type RsaEncryptionAlgorithm = "RSA1_5" | "RSA-OAEP" | "RSA-OAEP-256";
export type AesGcmEncryptionAlgorithm = "A128GCM" | "A192GCM" | "A256GCM";
export type AesCbcEncryptionAlgorithm = "A128CBC" | "A192CBC" | "A256CBC" | "A128CBCPAD" | "A192CBCPAD" | "A256CBCPAD";
export interface RsaEncryptParameters {
  algorithm: RsaEncryptionAlgorithm;
  plaintext: Uint8Array;
}
export interface AesGcmEncryptParameters {
  algorithm: AesGcmEncryptionAlgorithm;
  plaintext: Uint8Array;
  additionalAuthenticatedData?: Uint8Array;
}
export interface AesCbcEncryptParameters {
  algorithm: AesCbcEncryptionAlgorithm;
  plaintext: Uint8Array;
  iv?: Uint8Array;
}
export type EncryptParameters = RsaEncryptParameters | AesGcmEncryptParameters | AesCbcEncryptParameters;
export interface RsaDecryptParameters {
  algorithm: RsaEncryptionAlgorithm;
  ciphertext: Uint8Array;
}
export interface AesGcmDecryptParameters {
  algorithm: AesGcmEncryptionAlgorithm;
  ciphertext: Uint8Array;
  iv: Uint8Array;
  authenticationTag: Uint8Array;
  additionalAuthenticatedData?: Uint8Array;
}
export interface AesCbcDecryptParameters {
  algorithm: AesCbcEncryptionAlgorithm;
  ciphertext: Uint8Array;
  iv: Uint8Array;
}
export type DecryptParameters = RsaDecryptParameters | AesGcmDecryptParameters | AesCbcDecryptParameters;

export interface KeyVaultKeyIdentifier {
  sourceId: string;
  vaultUrl: string;
  version?: string;
  name: string;
}
/** `https://{vault}/keys/{name}[/{version}]` in parts; throws an Error for anything else. */
export declare function parseKeyVaultKeyIdentifier(id: string): KeyVaultKeyIdentifier;

/**
 * The WebAssembly module loads on first use: importing the package never fails, and a module
 * that cannot be loaded rejects the call that needed it, saying what failed and from where.
 * `ready()` loads it now; `ready(source)` loads it from `source` (a `WebAssembly.Module`, its
 * bytes, a URL or a `Response`), for runtimes and bundles where the `.wasm` beside the package
 * cannot be found. Resolves once loaded; a client constructed after that checks its arguments
 * in the constructor (before, the first call rejects with what is wrong).
 */
export declare function ready(source?: WebAssembly.Module | BufferSource | URL | string | Response): Promise<void>;

export declare class KeyClient {
  readonly vaultUrl: string;
  constructor(vaultUrl: string, credential: TokenCredential | TokenProvider, pipelineOptions?: KeyClientOptions);
  createKey(name: string, keyType: KeyType, options?: CreateKeyOptions): Promise<KeyVaultKey>;
  createEcKey(name: string, options?: CreateEcKeyOptions): Promise<KeyVaultKey>;
  createRsaKey(name: string, options?: CreateRsaKeyOptions): Promise<KeyVaultKey>;
  createOctKey(name: string, options?: CreateOctKeyOptions): Promise<KeyVaultKey>;
  importKey(name: string, key: JsonWebKey, options?: ImportKeyOptions): Promise<KeyVaultKey>;
  getCryptographyClient(keyName: string, options?: GetCryptographyClientOptions): CryptographyClient;
  beginDeleteKey(name: string, options?: BeginDeleteKeyOptions): Promise<PollerLike<PollOperationState<DeletedKey>, DeletedKey>>;
  updateKeyProperties(name: string, keyVersion: string, options?: UpdateKeyPropertiesOptions): Promise<KeyVaultKey>;
  updateKeyProperties(name: string, options?: UpdateKeyPropertiesOptions): Promise<KeyVaultKey>;
  getKey(name: string, options?: GetKeyOptions): Promise<KeyVaultKey>;
  getKeyAttestation(name: string, options?: GetKeyAttestationOptions): Promise<KeyVaultKey>;
  getDeletedKey(name: string, options?: GetDeletedKeyOptions): Promise<DeletedKey>;
  purgeDeletedKey(name: string, options?: PurgeDeletedKeyOptions): Promise<void>;
  beginRecoverDeletedKey(name: string, options?: BeginRecoverDeletedKeyOptions): Promise<PollerLike<PollOperationState<DeletedKey>, DeletedKey>>;
  backupKey(name: string, options?: BackupKeyOptions): Promise<Uint8Array | undefined>;
  restoreKeyBackup(backup: Uint8Array, options?: RestoreKeyBackupOptions): Promise<KeyVaultKey>;
  getRandomBytes(count: number, options?: GetRandomBytesOptions): Promise<Uint8Array>;
  rotateKey(name: string, options?: RotateKeyOptions): Promise<KeyVaultKey>;
  releaseKey(name: string, targetAttestationToken: string, options?: ReleaseKeyOptions): Promise<ReleaseKeyResult>;
  getKeyRotationPolicy(keyName: string, options?: GetKeyRotationPolicyOptions): Promise<KeyRotationPolicy>;
  updateKeyRotationPolicy(keyName: string, policy: KeyRotationPolicyProperties, options?: UpdateKeyRotationPolicyOptions): Promise<KeyRotationPolicy>;
  listPropertiesOfKeyVersions(name: string, options?: ListPropertiesOfKeyVersionsOptions): PagedAsyncIterableIterator<KeyProperties>;
  listPropertiesOfKeys(options?: ListPropertiesOfKeysOptions): PagedAsyncIterableIterator<KeyProperties>;
  listDeletedKeys(options?: ListDeletedKeysOptions): PagedAsyncIterableIterator<DeletedKey>;
}

/**
 * Cryptography with one key: public-key operations run locally through WebCrypto when the
 * client holds the public key (in browsers too); the rest goes to the service.
 */
export declare class CryptographyClient {
  constructor(key: string | KeyVaultKey, credential: TokenCredential | TokenProvider, pipelineOptions?: CryptographyClientOptions);
  /** A local-only client: operations the key's public half allows, nothing sent. */
  constructor(key: JsonWebKey);
  get vaultUrl(): string;
  get keyID(): string | undefined;
  encrypt(encryptParameters: EncryptParameters, options?: EncryptOptions): Promise<EncryptResult>;
  encrypt(algorithm: EncryptionAlgorithm, plaintext: Uint8Array, options?: EncryptOptions): Promise<EncryptResult>;
  decrypt(decryptParameters: DecryptParameters, options?: DecryptOptions): Promise<DecryptResult>;
  decrypt(algorithm: EncryptionAlgorithm, ciphertext: Uint8Array, options?: DecryptOptions): Promise<DecryptResult>;
  wrapKey(algorithm: KeyWrapAlgorithm, key: Uint8Array, options?: WrapKeyOptions): Promise<WrapResult>;
  unwrapKey(algorithm: KeyWrapAlgorithm, encryptedKey: Uint8Array, options?: UnwrapKeyOptions): Promise<UnwrapResult>;
  sign(algorithm: SignatureAlgorithm, digest: Uint8Array, options?: SignOptions): Promise<SignResult>;
  verify(algorithm: SignatureAlgorithm, digest: Uint8Array, signature: Uint8Array, options?: VerifyOptions): Promise<VerifyResult>;
  signData(algorithm: SignatureAlgorithm, data: Uint8Array, options?: SignOptions): Promise<SignResult>;
  verifyData(algorithm: SignatureAlgorithm, data: Uint8Array, signature: Uint8Array, options?: VerifyOptions): Promise<VerifyResult>;
}
