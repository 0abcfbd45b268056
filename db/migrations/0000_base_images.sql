CREATE TYPE "public"."resource_status" AS ENUM('INITIALIZED', 'CREATING', 'UPDATING', 'READY', 'ERROR');--> statement-breakpoint
CREATE TABLE "base_images" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"org" text NOT NULL,
	"name" text NOT NULL,
	"tags" jsonb DEFAULT '[]'::jsonb NOT NULL,
	"status" "resource_status" DEFAULT 'INITIALIZED' NOT NULL,
	"reason" jsonb DEFAULT '[]'::jsonb NOT NULL,
	"generation" integer DEFAULT 1 NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"modified_at" timestamp with time zone DEFAULT now() NOT NULL,
	"docker_url" text NOT NULL,
	"language" text NOT NULL,
	"digest" text
);
--> statement-breakpoint
CREATE UNIQUE INDEX "base_images_org_name" ON "base_images" USING btree ("org","name");