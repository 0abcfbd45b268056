CREATE TABLE "rebuild_items" (
	"rebuild_id" uuid NOT NULL,
	"image_name" text NOT NULL,
	"base_image_name" text NOT NULL,
	"rebuild" boolean NOT NULL,
	"reason" text NOT NULL,
	"outcome" text NOT NULL,
	"build_id" uuid
);
--> statement-breakpoint
CREATE TABLE "rebuilds" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"org" text NOT NULL,
	"selector" jsonb NOT NULL,
	"dry_run" boolean NOT NULL,
	"force" boolean DEFAULT false NOT NULL,
	"trigger" text NOT NULL,
	"status" text DEFAULT 'PLANNING' NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"finished_at" timestamp with time zone
);
--> statement-breakpoint
ALTER TABLE "builds" ADD COLUMN "inputs_sha256" text;--> statement-breakpoint
ALTER TABLE "builds" ADD COLUMN "reused_build_id" uuid;--> statement-breakpoint
ALTER TABLE "builds" ADD COLUMN "rebuild_id" uuid;--> statement-breakpoint
ALTER TABLE "builds" ADD COLUMN "catalog_diff" jsonb;--> statement-breakpoint
ALTER TABLE "rebuild_items" ADD CONSTRAINT "rebuild_items_rebuild_id_rebuilds_id_fk" FOREIGN KEY ("rebuild_id") REFERENCES "public"."rebuilds"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE UNIQUE INDEX "rebuild_items_entry" ON "rebuild_items" USING btree ("rebuild_id","image_name");--> statement-breakpoint
CREATE INDEX "builds_inputs" ON "builds" USING btree ("inputs_sha256");