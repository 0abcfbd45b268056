ALTER TYPE "public"."role" ADD VALUE 'platform';--> statement-breakpoint
CREATE TABLE "organizations" (
	"name" text PRIMARY KEY NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
-- Every org already named by a row, dated by its oldest row; and "default", the local stack's org, in any case.
INSERT INTO "organizations" ("name", "created_at")
SELECT "org", min("at") FROM (
	SELECT "org", "created_at" AS "at" FROM "api_tokens"
	UNION ALL SELECT "org", "created_at" FROM "base_images"
	UNION ALL SELECT "org", "created_at" FROM "images"
	UNION ALL SELECT "org", "created_at" FROM "rebuilds"
	UNION ALL SELECT "org", "created_at" FROM "rebuild_schedules"
	UNION ALL SELECT "org", "at" FROM "org_build_slots"
	UNION ALL SELECT "org", "created_at" FROM "pending_cleanups"
	UNION ALL SELECT 'default', now()
) AS "named"
GROUP BY "org";
--> statement-breakpoint
ALTER TABLE "api_tokens" ALTER COLUMN "org" DROP NOT NULL;--> statement-breakpoint
ALTER TABLE "api_tokens" ADD COLUMN "expires_at" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "api_tokens" ADD CONSTRAINT "api_tokens_org_organizations_name_fk" FOREIGN KEY ("org") REFERENCES "public"."organizations"("name") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "api_tokens" ADD CONSTRAINT "api_tokens_org_of_role" CHECK (("api_tokens"."org" is null) = ("api_tokens"."role"::text = 'platform'));