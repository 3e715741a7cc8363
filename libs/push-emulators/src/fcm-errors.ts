/**
 * The FCM HTTP v1 error classes the emulator can be scripted to answer (FcmError.errorCode). INVALID_ARGUMENT is
 * FCM's answer to a malformed token; INVALID_MESSAGE is the same error code for a malformed message (our mistake).
 */
export const FCM_ERROR_CODES = [
  'UNREGISTERED',
  'INVALID_ARGUMENT',
  'INVALID_MESSAGE',
  'UNAVAILABLE',
  'INTERNAL',
  'QUOTA_EXCEEDED',
  'THIRD_PARTY_AUTH_ERROR',
  'SENDER_ID_MISMATCH',
] as const;
export type FcmErrorCode = (typeof FCM_ERROR_CODES)[number];

interface FcmErrorShape {
  httpStatus: number;
  /** google.rpc.Code name carried in `error.status`. */
  rpcStatus: string;
  message: string;
  /** FcmError.errorCode in the details, when it differs from the scripted name. */
  errorCode?: string;
}

const FCM_ERRORS: Record<FcmErrorCode, FcmErrorShape> = {
  UNREGISTERED: { httpStatus: 404, rpcStatus: 'NOT_FOUND', message: 'Requested entity was not found.' },
  INVALID_ARGUMENT: {
    httpStatus: 400,
    rpcStatus: 'INVALID_ARGUMENT',
    message: 'The registration token is not a valid FCM registration token',
  },
  INVALID_MESSAGE: {
    httpStatus: 400,
    rpcStatus: 'INVALID_ARGUMENT',
    message: "Invalid value at 'message.android.ttl' (type.googleapis.com/google.protobuf.Duration), Field 'ttl', Illegal duration format",
    errorCode: 'INVALID_ARGUMENT',
  },
  UNAVAILABLE: { httpStatus: 503, rpcStatus: 'UNAVAILABLE', message: 'The service is currently unavailable.' },
  INTERNAL: { httpStatus: 500, rpcStatus: 'INTERNAL', message: 'Internal error encountered.' },
  QUOTA_EXCEEDED: {
    httpStatus: 429,
    rpcStatus: 'RESOURCE_EXHAUSTED',
    message: 'Quota exceeded for quota metric of service fcm.googleapis.com.',
  },
  THIRD_PARTY_AUTH_ERROR: { httpStatus: 401, rpcStatus: 'UNAUTHENTICATED', message: 'Auth error from APNS or Web Push Service' },
  SENDER_ID_MISMATCH: { httpStatus: 403, rpcStatus: 'PERMISSION_DENIED', message: 'SenderId mismatch' },
};

export interface FcmErrorResponse {
  httpStatus: number;
  body: { error: { code: number; message: string; status: string; details: unknown[] } };
}

/** The body Google answers for an FCM error, with the FcmError detail firebase-admin reads the class from. */
export function fcmErrorResponse(code: FcmErrorCode): FcmErrorResponse {
  const shape = FCM_ERRORS[code];
  return {
    httpStatus: shape.httpStatus,
    body: {
      error: {
        code: shape.httpStatus,
        message: shape.message,
        status: shape.rpcStatus,
        details: [{ '@type': 'type.googleapis.com/google.firebase.fcm.v1.FcmError', errorCode: shape.errorCode ?? code }],
      },
    },
  };
}

/** A request the emulator refuses on its own (bad shape, bad credentials), as Google words it. */
export function googleRpcError(httpStatus: number, rpcStatus: string, message: string, details: unknown[] = []) {
  return { httpStatus, body: { error: { code: httpStatus, message, status: rpcStatus, details } } };
}
