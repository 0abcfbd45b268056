CREATE TABLE "rebuild_schedules" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"org" text NOT NULL,
	"name" text NOT NULL,
	"cron" text NOT NULL,
	"selector" jsonb NOT NULL,
	"force" boolean DEFAULT false NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE UNIQUE INDEX "rebuild_schedules_org_name" ON "rebuild_schedules" USING btree ("org","name");