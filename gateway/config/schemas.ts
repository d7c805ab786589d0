/** One schema per file in config/ (and per adapter mapping); unknown keys are refused. */
import { z } from "zod";

/** A six-digit GB/T 2260 region code. */
export const regionCode = z.string().regex(/^[1-8]\d{5}$/, "must be a six-digit GB/T 2260 code");
const mode = z.enum(["FULL_ONLINE", "REMOTE_INTAKE", "MULTI_REGION"]);
/** A YYYY-MM-DD date (YAML may read it as a Date). */
export const isoDate = z.union([
  z.date().transform((d) => d.toISOString().slice(0, 10)),
  z.string().regex(/^\d{4}-\d{2}-\d{2}$/),
]);

const address = z.strictObject({ host: z.string().min(1), port: z.number().int().min(0).max(65535) });

/** A region's applicant sign-in (federation.yaml, region `identity`). */
export const identitySettings = z
  .strictObject({
    issuer: z.string().min(1).optional(),
    audience: z.string().min(1),
    jwksUrl: z.url({ protocol: /^https?$/ }).optional(),
    /** The platform's authorization endpoint, where the applicant page sends the browser to sign in. */
    authorizeUrl: z.url({ protocol: /^https?$/ }).optional(),
    claims: z
      .strictObject({
        name: z.string().min(1).default("name"),
        idNumber: z.string().min(1).default("id_number"),
        creditCode: z.string().min(1).default("credit_code"),
        organizationName: z.string().min(1).default("org_name"),
      })
      .default({
        name: "name",
        idNumber: "id_number",
        creditCode: "credit_code",
        organizationName: "org_name",
      }),
    /** Development only: the built-in identity provider, on 127.0.0.1 at this port (0: any free port). */
    devProvider: z.strictObject({ port: z.number().int().min(0).max(65535) }).optional(),
  })
  .check((ctx) => {
    if (ctx.value.devProvider) return;
    for (const key of ["issuer", "jwksUrl"] as const) {
      if (ctx.value[key] === undefined)
        ctx.issues.push({
          code: "custom",
          input: ctx.value,
          path: [key],
          message: "is required unless devProvider is set",
        });
    }
  });

/** config/federation.yaml */
export const federationFile = z.strictObject({
  name: z.string().min(1),
  grpc: z.strictObject({
    security: z.enum(["mtls", "plaintext"]),
    keys: z.string().min(1).default("keys"),
    generateDevKeys: z.boolean().default(false),
  }),
  /** How often a gateway asks each partner for its catalog version (versioned gRPC pulls). */
  catalogSync: z
    .strictObject({ pollSeconds: z.number().min(0.05).max(86_400).default(30) })
    .default({ pollSeconds: 30 }),
  /**
   * How often a gateway signs its message log's head and hands it to its partners (0: only on
   * demand), and how often it hands back signed receipts for the envelopes it applied.
   */
  audit: z
    .strictObject({
      checkpointSeconds: z.number().min(0).max(86_400).default(300),
      receiptSeconds: z.number().min(0.05).max(3_600).default(2),
    })
    .default({ checkpointSeconds: 300, receiptSeconds: 2 }),
  /**
   * Time limits (issue 17): working days the handling region has to 受理 or refuse after a case arrives
   * (agreements may set their own), and how many working days before the due date the light turns yellow.
   */
  timeLimits: z
    .strictObject({
      acceptDays: z.number().int().min(0).max(60).default(5),
      yellowDays: z.number().int().min(0).max(20).default(2),
    })
    .default({ acceptDays: 5, yellowDays: 2 }),
  /** 多地联办: how long a collaborator has to take up (领办) a subtask before the lead sees it stalled. */
  multiRegion: z
    .strictObject({
      takeUpHours: z
        .number()
        .min(0.0001)
        .max(24 * 30)
        .default(4),
    })
    .default({ takeUpHours: 4 }),
  /** 好差评 (issue 18): the tags an applicant may pick with a rating; the built-in list when left out. */
  rating: z
    .strictObject({
      tags: z
        .array(z.string().trim().min(1).max(20))
        .min(1)
        .max(30)
        .refine((tags) => new Set(tags).size === tags.length, "must not repeat a tag")
        .optional(),
    })
    .default({}),
  regions: z
    .array(
      z.strictObject({
        code: regionCode,
        name: z.string().min(1),
        http: address,
        grpc: address,
        /** The city's own system, for adapters that reach one (see RegionAdapter.connectCitySystem). */
        citySystem: z
          .strictObject({
            url: z.url({ protocol: /^https?$/ }),
            timeoutMs: z.number().int().min(100).max(60_000).default(5_000),
            /** How often the city's catalog version is checked. */
            pollSeconds: z.number().min(0.05).max(86_400).default(300),
          })
          .optional(),
        /**
         * Applicants' sign-in (issue 18): OpenID Connect ID tokens of the province's unified identity platform,
         * checked against its issuer, this gateway's audience and its JWKS; `claims` name where the applicant's
         * name, resident ID or (法人 sign-in) unified social credit code are. `devProvider` starts the built-in
         * development identity provider on 127.0.0.1 instead (issuer and JWKS are then its own).
         */
        identity: identitySettings.optional(),
      }),
    )
    .min(1),
});

/** config/matters.yaml */
export const mattersFile = z.strictObject({
  version: z.string().min(1),
  materials: z
    .array(z.strictObject({ code: z.string().regex(/^CL-[A-Z]{2,6}$/), name: z.string().min(1) }))
    .min(1),
  matters: z
    .array(
      z.strictObject({
        code: z.string().regex(/^XR-[A-Z]{2,3}-\d{3}$/),
        name: z.string().min(1),
        category: z.string().min(1),
        applicant: z.enum(["PERSON", "ORGANIZATION", "ANY"]),
        modes: z.array(mode).min(1),
        promisedDays: z.number().int().min(1).max(60),
        materials: z.array(z.strictObject({ code: z.string(), required: z.boolean() })).min(1),
      }),
    )
    .min(1),
});

/** config/agreements.yaml */
export const agreementsFile = z.strictObject({
  agreements: z.array(
    z.strictObject({
      from: regionCode,
      to: regionCode,
      signed: isoDate,
      /** Working days to 受理 or refuse cases of this agreement (default: federation.yaml timeLimits). */
      acceptDays: z.number().int().min(0).max(60).optional(),
      matters: z
        .array(
          z.strictObject({
            code: z.string(),
            modes: z.array(mode).min(1),
            /** Working days to 受理 or refuse this matter under this agreement. */
            acceptDays: z.number().int().min(0).max(60).optional(),
          }),
        )
        .min(1),
    }),
  ),
});

/** config/holidays.yaml */
export const holidaysFile = z.strictObject({
  /** Years whose State Council arrangement the file holds; counting into any other year is an error. */
  covers: z.array(z.number().int().min(2000).max(2100)).min(1),
  holidays: z.array(z.strictObject({ date: isoDate, name: z.string() })),
  workdays: z.array(z.strictObject({ date: isoDate, name: z.string() })),
});

/** adapters/<code>/mapping.yaml */
export const mappingFile = z.strictObject({
  matters: z.record(z.string(), z.string()),
  materials: z.record(z.string(), z.string()),
});
